// "Show Repair History" page script. Runs under a nonce CSP; talks to the extension only through
// typed messages (see HistoryFromPage / HistoryToPage in src/historyPanel/historyRenderer.ts):
//   to the extension: ready, reveal (a node name), guidance (a code), openNodes
//   from the extension: update (each region's HTML, rendered and escaped by the extension)
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();

  function post(message) {
    vscode.postMessage(message);
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'update' || typeof m.regions !== 'object' || m.regions === null) {
      return;
    }
    // Keep keyboard focus on the same mark or row across a refresh.
    const focused = document.activeElement instanceof Element ? document.activeElement.getAttribute('data-key') : null;
    const open = Array.from(document.querySelectorAll('details[open]')).map((d) => d.className);
    // Keep the chart scrolled where it was (at today, unless the reader scrolled back).
    const before = document.querySelector('.chart-scroll');
    const scrolledTo = before ? before.scrollLeft : 0;
    const atEnd = !before || before.scrollLeft + before.clientWidth >= before.scrollWidth - 4;
    for (const [id, html] of Object.entries(m.regions)) {
      const region = document.getElementById(id);
      if (region && typeof html === 'string' && region.dataset.html !== html) {
        region.innerHTML = html;
        region.dataset.html = html;
      }
    }
    for (const d of document.querySelectorAll('details')) {
      if (open.includes(d.className)) {
        d.setAttribute('open', '');
      }
    }
    if (typeof m.title === 'string') {
      const title = document.getElementById('title');
      if (title) {
        title.textContent = m.title;
      }
    }
    const after = document.querySelector('.chart-scroll');
    if (atEnd) {
      scrollToToday();
    } else if (after) {
      after.scrollLeft = scrolledTo;
      hideCutLabels();
    }
    if (focused) {
      const again = Array.from(document.querySelectorAll('[data-key]')).find((el) => el.getAttribute('data-key') === focused);
      if (again instanceof HTMLElement || again instanceof SVGElement) {
        again.focus();
      }
    }
  });

  /** What an activated element asks for: a button's action, else the node of a mark, label or row. */
  function activate(target) {
    const button = target.closest('button');
    if (button) {
      const action = button.getAttribute('data-action');
      if (action === 'guidance') {
        post({ type: 'guidance', code: button.getAttribute('data-code') || '' });
      } else if (action === 'openNodes') {
        post({ type: 'openNodes' });
      }
      return true;
    }
    const holder = target.closest('[data-node]');
    if (holder) {
      post({ type: 'reveal', node: holder.getAttribute('data-node') || '' });
      return true;
    }
    return false;
  }

  document.addEventListener('click', (event) => {
    if (event.target instanceof Element) {
      activate(event.target);
    }
  });

  document.addEventListener('keydown', (event) => {
    const target = event.target;
    // Buttons activate themselves on Enter and Space; marks, node labels and rows do here.
    if (!(target instanceof Element) || target.closest('button') || (event.key !== 'Enter' && event.key !== ' ')) {
      return;
    }
    if (target.hasAttribute('data-node') && activate(target)) {
      event.preventDefault();
    }
  });

  /** The newest days are at the right: show them first when the period is wider than the panel. */
  function scrollToToday() {
    for (const scroller of document.querySelectorAll('.chart-scroll')) {
      scroller.scrollLeft = scroller.scrollWidth;
    }
    hideCutLabels();
  }

  /** A day label half scrolled out of view reads as another date: hide it until it is whole. */
  function hideCutLabels() {
    for (const scroller of document.querySelectorAll('.chart-scroll')) {
      const left = scroller.scrollLeft;
      const right = left + scroller.clientWidth;
      for (const label of scroller.querySelectorAll('text.axis')) {
        if (label instanceof SVGTextElement) {
          const box = label.getBBox();
          label.classList.toggle('off-edge', box.x < left - 0.5 || box.x + box.width > right + 0.5);
        }
      }
    }
  }

  document.addEventListener('scroll', hideCutLabels, true);
  window.addEventListener('resize', hideCutLabels);

  scrollToToday();
  post({ type: 'ready' });
})();
