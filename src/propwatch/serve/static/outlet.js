// The outlet page's charts: articles per month, and its technique profile against the
// corpus's (spans per 1,000 words, one fixed colour per technique).
(function () {
  var data = JSON.parse(document.getElementById("outlet-chart").textContent);
  var chart = window.propwatchChart;
  chart("chart-months", { type: "bar", data: { labels: data.months,
    datasets: [{ label: "articles", data: data.articles, backgroundColor: "#2d5fa8" }] } });
  chart("chart-profile", { type: "bar", data: {
    labels: data.techniques.map(function (t) { return t.name; }),
    datasets: [
      { label: "this outlet", data: data.techniques.map(function (t) { return t.here; }),
        backgroundColor: data.techniques.map(function (t) { return t.colour; }) },
      { label: "whole corpus", data: data.techniques.map(function (t) { return t.corpus; }),
        backgroundColor: "#c3c9d4" }] },
    options: { indexAxis: "y", plugins: { legend: { display: true, position: "bottom" } } } });
})();
