// The dashboard's charts (charts.js draws them with the bundled Chart.js).
(function () {
  var stats = JSON.parse(document.getElementById("stats").textContent);
  var families = JSON.parse(document.getElementById("families").textContent);
  var accent = "#2d5fa8";
  var short = window.propwatchShort, chart = window.propwatchChart;
  chart("chart-articles", { type: "bar", data: {
    labels: stats.articles_per_month.map(function (r) { return r.month; }),
    datasets: [{ label: "articles", data: stats.articles_per_month.map(function (r) { return r.articles; }), backgroundColor: accent }] } });
  var months = Array.from(new Set(stats.techniques_per_month.map(function (r) { return r.month; }))).sort();
  var style = stats.technique_style;
  chart("chart-techniques", { type: "bar", data: { labels: months,
    datasets: Object.keys(style).map(function (name) {
      var counts = {};
      stats.techniques_per_month.forEach(function (r) { if (r.technique === name) counts[r.month] = r.spans; });
      return { label: style[name].name, backgroundColor: style[name].colour,
               data: months.map(function (m) { return counts[m] || 0; }) };
    }) },
    options: { scales: { x: { stacked: true }, y: { stacked: true } },
               plugins: { legend: { display: true, position: "bottom", labels: { boxWidth: 10, font: { size: 10 } } } } } });
  chart("chart-outlets", { type: "bar", data: {
    labels: stats.top_outlets.map(function (r) { return short(r.outlet, 28); }),
    datasets: [{ label: "articles", data: stats.top_outlets.map(function (r) { return r.articles; }), backgroundColor: accent }] },
    options: { indexAxis: "y" } });
  chart("chart-claims", { type: "bar", data: {
    labels: stats.top_known_claims.map(function (r) { return short(r.text, 36); }),
    datasets: [{ label: "articles", data: stats.top_known_claims.map(function (r) { return r.articles; }), backgroundColor: "#a8432d" }] },
    options: { indexAxis: "y" } });
  chart("chart-families", { type: "bar", data: {
    labels: families.map(function (f) { return short(f.title, 30); }),
    datasets: [{ label: "copies", data: families.map(function (f) { return f.size; }), backgroundColor: "#3f8a4f" }] } });
})();
