// A <select data-auto-submit> sends its form when changed; a button [data-print] prints the page.
// Static so the Content-Security-Policy can forbid inline handlers.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-auto-submit]");
  if (select && select.form) select.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
