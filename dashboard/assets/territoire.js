// "Imprimer" on the territory profile: the browser's print dialog (print.css gives the A4 layout)
document.addEventListener("click", function (e) {
  var b = e.target.closest && e.target.closest("[data-action='print']");
  if (b) { window.print(); }
});
