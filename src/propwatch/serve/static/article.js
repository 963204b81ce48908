// Clicking a highlight explains every technique on it (definition, confidence, what to
// check).  Text is set with textContent only: nothing from the article becomes markup.
(function () {
  var data = document.getElementById("span-data");
  var box = document.getElementById("explain");
  if (!data || !box) return;
  var spans = JSON.parse(data.textContent), body = box.querySelector(".body");
  function el(tag, text) { var e = document.createElement(tag); e.textContent = text; return e; }
  function show(mark) {
    body.textContent = "";
    mark.dataset.spans.split(" ").forEach(function (i) {
      var s = spans[Number(i)];
      if (!s) return;
      body.appendChild(el("h4", s.name + " (confidence " + (s.score || 0).toFixed(2) + ")"));
      if (s.definition) body.appendChild(el("p", s.definition));
      if (s.check) body.appendChild(el("p", "Check: " + s.check));
      if (s.verdict) body.appendChild(el("p", "An analyst marked it " + s.verdict + "."));
    });
    body.appendChild(el("p", "\u201c" + mark.textContent + "\u201d"));
    box.hidden = false;
  }
  document.addEventListener("click", function (ev) {
    if (ev.target.closest("#explain .close")) { box.hidden = true; return; }
    var mark = ev.target.closest("mark[data-spans]");
    if (mark) show(mark);
  });
  document.addEventListener("keydown", function (ev) {
    var mark = ev.target.closest && ev.target.closest("mark[data-spans]");
    if (mark && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); show(mark); }
    if (ev.key === "Escape") box.hidden = true;
  });
})();
