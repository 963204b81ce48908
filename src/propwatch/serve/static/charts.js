// The one way pages draw a chart: the bundled Chart.js on a canvas, figures from the JSON
// the page carries (no request of its own; labels are drawn as text on the canvas).
window.propwatchChart = function (id, config) {
  var canvas = document.getElementById(id);
  if (!canvas || typeof Chart === "undefined") return;
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false,
    animation: false, plugins: { legend: { display: false } } }, config.options || {});
  canvas.chart = new Chart(canvas, config);
};
window.propwatchShort = function (text, n) {
  return text.length > n ? text.slice(0, n - 1) + "\u2026" : text;
};
