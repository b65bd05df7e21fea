// The network graph, enhanced: pointing at or focusing a node brings it and its neighbours forward
// and says what it is; the drawing can be zoomed and dragged. Without this script the graph is a
// still drawing of links, and the table below it says the same.

const DIM = '0.15';

function enhance(container) {
  const svg = container.querySelector('svg[data-network]');
  const viewport = svg?.querySelector('[data-network-viewport]');
  if (!svg || !viewport) return;
  const status = document.getElementById('network-focus');
  const nodes = [...svg.querySelectorAll('[data-network-nodes] > a[data-key]')];
  const edges = [...svg.querySelectorAll('[data-network-edges] > line')];

  // Who is next to whom, from the lines drawn.
  const neighbours = new Map();
  for (const e of edges) {
    const from = e.getAttribute('data-from');
    const to = e.getAttribute('data-to');
    if (!neighbours.has(from)) neighbours.set(from, new Set());
    if (!neighbours.has(to)) neighbours.set(to, new Set());
    neighbours.get(from).add(to);
    neighbours.get(to).add(from);
  }

  const highlight = (key) => {
    const near = neighbours.get(key) ?? new Set();
    for (const n of nodes) {
      const k = n.getAttribute('data-key');
      n.setAttribute('opacity', k === key || near.has(k) ? '1' : DIM);
    }
    for (const e of edges) {
      const touches = e.getAttribute('data-from') === key || e.getAttribute('data-to') === key;
      e.setAttribute('stroke-opacity', touches ? '1' : DIM);
      e.setAttribute('stroke', touches ? '#0b0c0c' : '#505a5f');
    }
  };
  const clear = () => {
    for (const n of nodes) n.removeAttribute('opacity');
    for (const e of edges) {
      e.setAttribute('stroke-opacity', '0.55');
      e.setAttribute('stroke', '#505a5f');
    }
  };
  const describe = (node) => {
    if (!status) return;
    // Spoken, not shown: showing it would move the graph under the pointer mid-click.
    status.textContent = node.getAttribute('aria-label') ?? '';
  };
  for (const n of nodes) {
    const key = n.getAttribute('data-key');
    n.addEventListener('mouseenter', () => highlight(key));
    n.addEventListener('mouseleave', clear);
    n.addEventListener('focus', () => {
      highlight(key);
      describe(n);
    });
    n.addEventListener('blur', clear);
  }

  // Zoom and pan by changing the view box, kept within sensible bounds.
  const [x0, y0, w0, h0] = (svg.getAttribute('viewBox') ?? '0 0 100 100').split(/\s+/).map(Number);
  let view = { x: x0, y: y0, w: w0, h: h0 };
  const apply = () => svg.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
  const zoom = (factor, cx = view.x + view.w / 2, cy = view.y + view.h / 2) => {
    const w = Math.min(w0 * 2, Math.max(w0 / 8, view.w * factor));
    const f = w / view.w;
    view = { x: cx - (cx - view.x) * f, y: cy - (cy - view.y) * f, w, h: view.h * f };
    apply();
  };
  const toSvg = (event) => {
    const box = svg.getBoundingClientRect();
    const scale = Math.max(view.w / box.width, view.h / box.height);
    // The drawing is centred in the box when the aspect ratios differ.
    const offsetX = (box.width - view.w / scale) / 2;
    const offsetY = (box.height - view.h / scale) / 2;
    return {
      x: view.x + (event.clientX - box.left - offsetX) * scale,
      y: view.y + (event.clientY - box.top - offsetY) * scale,
      scale,
    };
  };

  svg.addEventListener(
    'wheel',
    (event) => {
      event.preventDefault();
      const p = toSvg(event);
      zoom(event.deltaY > 0 ? 1.2 : 1 / 1.2, p.x, p.y);
    },
    { passive: false },
  );

  let drag = null;
  svg.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || event.target.closest('a')) return;
    drag = { x: event.clientX, y: event.clientY, view: { ...view }, scale: toSvg(event).scale };
    svg.setPointerCapture(event.pointerId);
  });
  svg.addEventListener('pointermove', (event) => {
    if (!drag) return;
    view = {
      ...drag.view,
      x: drag.view.x - (event.clientX - drag.x) * drag.scale,
      y: drag.view.y - (event.clientY - drag.y) * drag.scale,
    };
    apply();
  });
  const stop = () => {
    drag = null;
  };
  svg.addEventListener('pointerup', stop);
  svg.addEventListener('pointercancel', stop);

  // Buttons for those who do not use a mouse wheel; arrow keys pan while a button has focus.
  const controls = document.createElement('div');
  controls.className = 'govuk-button-group';
  const button = (text, onClick) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'govuk-button govuk-button--secondary';
    b.textContent = text;
    b.addEventListener('click', onClick);
    controls.appendChild(b);
    return b;
  };
  button('Zoom in', () => zoom(1 / 1.5));
  button('Zoom out', () => zoom(1.5));
  button('Reset the view', () => {
    view = { x: x0, y: y0, w: w0, h: h0 };
    apply();
  });
  controls.addEventListener('keydown', (event) => {
    const step = view.w / 10;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    view = { ...view, x: view.x + move[0], y: view.y + move[1] };
    apply();
  });
  container.before(controls);
  svg.setAttribute('data-enhanced', 'true');
}

for (const container of document.querySelectorAll('[data-network-graph]')) enhance(container);
