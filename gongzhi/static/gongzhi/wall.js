// The wall screen (templates/dashboard/wall.html): a clock, and the live figures fetched again every
// data-refresh-seconds from data-live-url and swapped in. A failed fetch (network down, signed out,
// a server error) keeps the last figures, with the time they are from, shows the notice and tries
// again at the next tick. Static so the Content-Security-Policy can forbid inline scripts.
(() => {
  const body = document.body;
  const live = document.getElementById("wall-live");
  if (!live || !body.dataset.liveUrl) return;
  const seconds = Math.max(1, parseInt(body.dataset.refreshSeconds, 10) || 60);
  const clock = document.getElementById("wall-clock");
  const stale = document.getElementById("wall-stale");
  let format;
  try {
    format = new Intl.DateTimeFormat("zh-CN", {
      timeZone: body.dataset.timeZone || undefined, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
    });
  } catch (error) {
    format = new Intl.DateTimeFormat("zh-CN", { dateStyle: "short", timeStyle: "medium" });
  }
  const tick = () => {
    if (clock) clock.textContent = format.format(new Date());
  };
  tick();
  setInterval(tick, 1000);

  const failed = () => {
    if (stale) stale.hidden = false;
    body.classList.add("is-stale");
  };
  let busy = false;
  const refresh = async () => {
    if (busy) return;
    busy = true;
    try {
      const response = await fetch(body.dataset.liveUrl, {
        credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" },
      });
      if (!response.ok || response.redirected) throw new Error(`HTTP ${response.status}`);
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.querySelector("[data-wall-live]");
      if (!fresh) throw new Error("not the wall's fragment");
      live.replaceChildren(document.importNode(fresh, true));
      if (stale) stale.hidden = true;
      body.classList.remove("is-stale");
    } catch (error) {
      failed();
    } finally {
      busy = false;
    }
  };
  setInterval(refresh, seconds * 1000);
})();
