// The manager's dashboard: one Chart.js chart per table, drawn from the JSON block the page
// renders (script#dashboard-charts); the numbers stay in the tables beside the charts.

import Chart from 'chart.js/auto';

const COLOURS = ['#2f6db5', '#e08a1e', '#3a9a5b', '#c2413b', '#7b5ea7', '#8c8c8c'];

function config(chart) {
  const horizontal = Boolean(chart.horizontal);
  const datasets = chart.datasets.map((set, i) => ({
    ...set,
    backgroundColor: COLOURS[i % COLOURS.length],
    borderColor: COLOURS[i % COLOURS.length],
    fill: false,
    tension: 0,
  }));
  const axis = { stacked: Boolean(chart.stacked), beginAtZero: true };
  return {
    type: chart.type,
    data: { labels: chart.labels, datasets },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { ...axis }, y: { ...axis } },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}

function draw() {
  const source = document.getElementById('dashboard-charts');
  if (!source) {
    return;
  }
  const charts = JSON.parse(source.textContent);
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const chart = charts[canvas.dataset.chart];
    if (chart && chart.labels.length) {
      canvas.chart = new Chart(canvas, config(chart));
      canvas.dataset.drawn = 'true';
    }
  }
}

draw();
