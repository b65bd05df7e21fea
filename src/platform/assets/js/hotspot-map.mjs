// Progressive enhancement of the hotspot map: pointing at a hexagon, or at its row in the table
// (or moving to the row's link with the keyboard), outlines the hexagon and marks the row. The map
// and the table work without it.
const map = document.querySelector('[data-hotspot-map]');
const table = document.querySelector('[data-hotspot-table]');

if (map && table) {
  const polygons = new Map();
  for (const polygon of map.querySelectorAll('polygon[data-cell]'))
    polygons.set(polygon.dataset.cell, polygon);
  const rows = new Map();
  for (const cell of table.querySelectorAll('[data-cell]')) {
    const row = cell.closest('tr');
    if (row) rows.set(cell.dataset.cell, row);
  }

  let current = null;
  const mark = (cell) => {
    if (current === cell) return;
    unmark();
    const polygon = polygons.get(cell);
    const row = rows.get(cell);
    if (polygon) {
      polygon.setAttribute('stroke-width', '3');
      // Drawn last, so its outline is not hidden under its neighbours'.
      polygon.parentNode.appendChild(polygon);
    }
    if (row) row.style.backgroundColor = '#fff7bf';
    current = cell;
  };
  const unmark = () => {
    if (current === null) return;
    polygons.get(current)?.setAttribute('stroke-width', '0.6');
    const row = rows.get(current);
    if (row) row.style.backgroundColor = '';
    current = null;
  };

  for (const [cell, polygon] of polygons) {
    polygon.addEventListener('mouseenter', () => mark(cell));
    polygon.addEventListener('mouseleave', unmark);
  }
  for (const [cell, row] of rows) {
    row.addEventListener('mouseenter', () => mark(cell));
    row.addEventListener('mouseleave', unmark);
    row.addEventListener('focusin', () => mark(cell));
    row.addEventListener('focusout', unmark);
  }
}
