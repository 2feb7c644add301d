// The place picker of the request form: the place is named the way people name it — estate (小区),
// building (楼), entrance unit (单元), flat (室) — by searching (name or pinyin initials: "tjly"),
// by the resident's own home, or by tapping the map. The map is an SVG drawn here from the area
// tree's own data (/api/areas/map: grid and estate outlines, buildings' coordinates): no tiles, no
// outside request. A tap on a building picks it; a tap elsewhere in a grid picks the grid (and the
// tapped point's coordinates). Static file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function svg(tag, attrs, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(String(r.status)); }
      return r.json();
    });
  }

  function init(root) {
    var placesUrl = root.dataset.placesUrl;
    var mapUrl = root.dataset.mapUrl;
    var input = root.querySelector("#location");
    var chosen = root.querySelector("#place-chosen");
    var search = root.querySelector("#place-search");
    var results = root.querySelector("#place-results");
    var steps = root.querySelector("#place-steps");
    var mapBox = root.querySelector("#place-map");
    var lat = root.querySelector("#latitude");
    var lng = root.querySelector("#longitude");
    var map = null; // {community, project, unproject, svg, marks: {id: circle}}
    var timer = null;

    function choose(place, coordinates) {
      input.value = place.id;
      chosen.textContent = place.address || place.label;
      chosen.classList.add("is-chosen");
      var point = coordinates || (place.latitude !== null && place.latitude !== undefined
        ? { latitude: place.latitude, longitude: place.longitude } : null);
      if (point && lat && lng) {
        lat.value = Number(point.latitude).toFixed(6);
        lng.value = Number(point.longitude).toFixed(6);
      } else if (lat && lng && place.kind !== "unit" && place.kind !== "household") {
        lat.value = "";
        lng.value = "";
      }
      highlight(place);
    }

    function highlight(place) {
      if (!map) { return; }
      Array.prototype.forEach.call(map.svg.querySelectorAll(".is-picked"), function (n) { n.classList.remove("is-picked"); });
      var mark = map.marks[place.id] || map.grids[place.id];
      if (!mark && place.building) { mark = map.marks[place.building]; }
      if (mark) {
        mark.classList.add("is-picked");
        reveal(mark);
      }
    }

    function reveal(mark) {
      // Scroll the map box sideways (never the page) so the picked building is in sight on a phone.
      var box = mapBox.getBoundingClientRect(), r = mark.getBoundingClientRect();
      if (r.left < box.left || r.right > box.right) {
        mapBox.scrollLeft += (r.left + r.width / 2) - (box.left + box.width / 2);
      }
    }

    function button(label, extra, onClick, cls) {
      var b = el("button", { type: "button", class: cls || "chip" });
      b.appendChild(document.createTextNode(label));
      if (extra) { b.appendChild(el("span", { class: "muted small" }, extra)); }
      b.addEventListener("click", onClick);
      return b;
    }

    function showStep(title, places, onPick) {
      var box = el("div", { class: "place-step" });
      box.appendChild(el("p", { class: "small muted place-step-title" }, title));
      var row = el("div", { class: "chips" });
      places.forEach(function (p) { row.appendChild(button(p.label, "", function () { onPick(p, box); })); });
      box.appendChild(row);
      steps.appendChild(box);
      return box;
    }

    function clearStepsAfter(box) {
      while (box && box.nextSibling) { steps.removeChild(box.nextSibling); }
    }

    function markActive(box, label) {
      Array.prototype.forEach.call(box.querySelectorAll(".chip"), function (c) {
        c.classList.toggle("is-active", c.firstChild && c.firstChild.textContent === label);
      });
    }

    function drill(place, box) {
      // After a building: its entrance units; after a unit: its flats (both optional).
      if (!place.children || (place.kind !== "building" && place.kind !== "unit")) { return; }
      getJSON(placesUrl + "?parent=" + place.id).then(function (children) {
        if (!children.length) { return; }
        var title = place.kind === "building" ? steps.dataset.pickUnit : steps.dataset.pickRoom;
        showStep(title, children, function (child, childBox) {
          child.building = place.building || place.id;
          markActive(childBox, child.label);
          clearStepsAfter(childBox);
          choose(child, place.latitude !== null ? { latitude: place.latitude, longitude: place.longitude } : null);
          drill(child, childBox);
        });
        if (box === null) { return; }
      }).catch(function () {});
    }

    function pickBuilding(building) {
      choose(building);
      steps.textContent = "";
      var head = el("div", { class: "place-step" });
      steps.appendChild(head);
      drill(building, head);
      if (map && !map.marks[building.id]) { loadMap(building.id); }
    }

    function pickEstate(estate) {
      getJSON(placesUrl + "?estate=" + estate.id).then(function (buildings) {
        steps.textContent = "";
        var box = showStep(estate.label + " · " + steps.dataset.pickBuilding, buildings, function (b, bbox) {
          markActive(bbox, b.label);
          clearStepsAfter(bbox);
          choose(b);
          drill(b, bbox);
          if (map && !map.marks[b.id]) { loadMap(b.id); }
        });
        box.classList.add("place-step-buildings");
        if (buildings.length && map && !map.marks[buildings[0].id]) { loadMap(buildings[0].id); }
      }).catch(function () {});
    }

    function render(list) {
      results.textContent = "";
      if (!list.length) {
        results.appendChild(el("p", { class: "muted small" }, results.dataset.none));
        return;
      }
      list.forEach(function (p) {
        var extra = p.kind === "estate" ? results.dataset.estate + " · " + p.children + " " + results.dataset.buildings
          : (p.kind === "grid" ? results.dataset.grid : p.address);
        results.appendChild(button(p.label, extra, function () {
          results.textContent = "";
          search.value = p.label;
          if (p.kind === "estate") { pickEstate(p); } else if (p.kind === "building") { pickBuilding(p); } else {
            steps.textContent = "";
            choose(p);
          }
        }, "place-result"));
      });
    }

    search.addEventListener("input", function () {
      clearTimeout(timer);
      var q = search.value.trim();
      if (!q) { results.textContent = ""; return; }
      timer = setTimeout(function () {
        getJSON(placesUrl + "?q=" + encodeURIComponent(q)).then(function (list) {
          if (search.value.trim() === q) { render(list); }
        }).catch(function () {});
      }, 200);
    });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); } // Enter searches, it does not submit the form
    });

    Array.prototype.forEach.call(root.querySelectorAll("[data-place-id]"), function (b) {
      b.addEventListener("click", function () {
        steps.textContent = "";
        choose({ id: b.dataset.placeId, kind: b.dataset.placeKind, address: b.dataset.placeAddress,
          label: b.dataset.placeAddress, building: b.dataset.placeBuilding });
      });
    });

    // --- the map ---------------------------------------------------------------------------
    function loadMap(node) {
      getJSON(mapUrl + (node ? "?node=" + node : "")).then(drawMap).catch(function () {
        mapBox.textContent = "";
        mapBox.appendChild(el("p", { class: "muted small" }, mapBox.dataset.unavailable));
      });
    }

    function drawMap(data) {
      mapBox.textContent = "";
      map = null;
      var points = [];
      function take(outline) { (outline || []).forEach(function (p) { points.push(p); }); }
      // Framed on the grids the user may pick from (a grid worker: their own grid) and the buildings;
      // the community's and estates' outlines only when no grid has one. What lies outside is clipped.
      data.grids.forEach(function (g) { take(g.outline); });
      data.buildings.forEach(function (b) { points.push([b.longitude, b.latitude]); });
      if (!points.length || !data.grids.some(function (g) { return g.outline && g.outline.length > 2; })) {
        if (data.community) { take(data.community.outline); }
        data.estates.forEach(function (e) { take(e.outline); });
      }
      if (!data.community || points.length < 2) {
        mapBox.appendChild(el("p", { class: "muted small" }, mapBox.dataset.unavailable));
        return;
      }
      var west = Infinity, east = -Infinity, south = Infinity, north = -Infinity;
      points.forEach(function (p) {
        west = Math.min(west, p[0]); east = Math.max(east, p[0]);
        south = Math.min(south, p[1]); north = Math.max(north, p[1]);
      });
      var k = Math.cos((south + north) / 2 * Math.PI / 180); // metres per degree of longitude shrink
      var width = 1000, pad = 30;
      var spanX = Math.max((east - west) * k, 1e-6), spanY = Math.max(north - south, 1e-6);
      var scale = (width - 2 * pad) / spanX;
      var height = Math.round(spanY * scale + 2 * pad);
      function project(p) { return [pad + (p[0] - west) * k * scale, pad + (north - p[1]) * scale]; }
      function unproject(x, y) { return [west + (x - pad) / (k * scale), north - (y - pad) / scale]; }
      function path(outline) {
        return outline.map(function (p, i) { var xy = project(p); return (i ? "L" : "M") + xy[0].toFixed(1) + " " + xy[1].toFixed(1); }).join(" ") + " Z";
      }
      function centre(outline) {
        var x = 0, y = 0;
        outline.forEach(function (p) { var xy = project(p); x += xy[0]; y += xy[1]; });
        return [x / outline.length, y / outline.length];
      }
      // A whole community keeps a thumb-sized scale and scrolls sideways on a phone; one grid fits the width
      // with bigger marks.
      var wide = spanX > 0.006;
      var r = wide ? 22 : 44;
      var root2 = svg("svg", { viewBox: "0 0 " + width + " " + height, class: "place-map-svg " + (wide ? "is-wide" : "is-close"),
        role: "img", "aria-label": mapBox.dataset.label });
      root2.appendChild(svg("title", {}, data.community.name + " · " + mapBox.dataset.label));
      map = { svg: root2, marks: {}, grids: {}, unproject: unproject };
      if (data.community.outline && data.community.outline.length > 2) {
        root2.appendChild(svg("path", { d: path(data.community.outline), class: "map-community" }));
      }
      data.grids.forEach(function (g) {
        if (!g.outline || g.outline.length < 3) { return; }
        var shape = svg("path", { d: path(g.outline), class: "map-grid", "data-grid": g.id });
        shape.appendChild(svg("title", {}, g.name));
        shape.addEventListener("click", function (event) {
          var box = root2.getBoundingClientRect();
          var x = (event.clientX - box.left) * width / box.width, y = (event.clientY - box.top) * height / box.height;
          var at = unproject(x, y);
          steps.textContent = "";
          choose({ id: g.id, kind: "grid", label: g.name, address: data.community.address + " " + g.name },
            { longitude: at[0], latitude: at[1] });
        });
        root2.appendChild(shape);
        map.grids[g.id] = shape;
      });
      data.estates.forEach(function (e) {
        root2.appendChild(svg("path", { d: path(e.outline), class: "map-estate" }));
      });
      data.grids.forEach(function (g) {
        if (!g.outline || g.outline.length < 3) { return; }
        var c = centre(g.outline);
        var top = Math.min.apply(null, g.outline.map(function (p) { return project(p)[1]; }));
        root2.appendChild(svg("text", { x: c[0].toFixed(1), y: (top + (wide ? 26 : 52)).toFixed(1), class: "map-grid-label" }, g.name));
      });
      data.estates.forEach(function (e) {
        var bottom = Math.max.apply(null, e.outline.map(function (p) { return project(p)[1]; }));
        var c = centre(e.outline);
        root2.appendChild(svg("text", { x: c[0].toFixed(1), y: (bottom - (wide ? 8 : 16)).toFixed(1), class: "map-estate-label" }, e.name));
      });
      data.buildings.forEach(function (b) {
        var xy = project([b.longitude, b.latitude]);
        var group = svg("g", { class: "map-building", "data-building": b.id, tabindex: "0", role: "button", "aria-label": b.label });
        group.appendChild(svg("title", {}, b.label));
        group.appendChild(svg("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: String(r * 1.4), class: "map-building-hit" }));
        group.appendChild(svg("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: String(r), class: "map-building-dot" }));
        group.appendChild(svg("text", { x: xy[0].toFixed(1), y: (xy[1] + r * 0.32).toFixed(1), class: "map-building-label" }, b.name.replace(/号楼$/, "")));
        function pick() { pickBuilding(b); }
        group.addEventListener("click", function (event) { event.stopPropagation(); pick(); });
        group.addEventListener("keydown", function (event) { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(); } });
        root2.appendChild(group);
        map.marks[b.id] = group;
      });
      mapBox.appendChild(root2);
      var home = map.marks[root.dataset.homeBuilding];
      if (home) { home.classList.add("is-home"); }
      if (input.value) {
        highlight({ id: input.value, building: root.dataset.placeBuilding });
      } else if (home) {
        reveal(home); // the resident's own building in sight first
      }
    }

    loadMap(root.dataset.mapNode);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("place-picker");
    if (root) { init(root); }
  });
})();
