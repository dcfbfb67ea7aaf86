// Diagnosis panel page script. Runs under a nonce CSP; talks to the extension only through typed
// messages (see FromPageMessage / ToPageMessage in src/diagnosis/diagnosisRenderer.ts):
//   to the extension: ready, refresh, copyMarkdown, copy, guidance, signIn, openSetting
//   from the extension: update (each region's HTML, rendered and escaped by the extension)
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  const { copyLabel = 'Copy', copiedLabel = 'Copied' } = document.body.dataset;

  function post(message) {
    vscode.postMessage(message);
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'update' || typeof m.regions !== 'object' || m.regions === null) {
      return;
    }
    for (const [id, html] of Object.entries(m.regions)) {
      const region = document.getElementById(id);
      // Only regions the page already has, and only when they changed (keeps focus and selection).
      if (region && typeof html === 'string' && region.dataset.html !== html) {
        region.innerHTML = html;
        region.dataset.html = html;
      }
    }
    const main = document.querySelector('main');
    if (main) {
      main.setAttribute('aria-busy', m.busy ? 'true' : 'false');
    }
  });

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('a, button') : null;
    if (!target) {
      return;
    }
    const action = target.getAttribute('data-action');
    if (target.tagName === 'A') {
      event.preventDefault();
    }
    switch (action) {
      case 'refresh':
      case 'copyMarkdown':
      case 'signIn':
        post({ type: action });
        break;
      case 'openSetting':
        post({ type: 'openSetting', setting: target.getAttribute('data-setting') || '' });
        break;
      case 'copy':
        post({ type: 'copy', text: target.getAttribute('data-text') || '' });
        flash(target);
        break;
      case 'copyCode': {
        const block = target.closest('.code-block');
        const code = block && block.querySelector('code');
        if (code) {
          post({ type: 'copy', text: code.textContent || '' });
          flash(target);
        }
        break;
      }
      case 'guidance': {
        // Only the finding's index: the extension opens the entry its own finding names.
        const index = Number(target.getAttribute('data-finding'));
        if (Number.isInteger(index) && index >= 0) {
          post({ type: 'guidance', index });
        }
        break;
      }
      default:
        break;
    }
  });

  /** A copy button says "Copied" for a moment. */
  function flash(button) {
    if (!button.classList.contains('copy')) {
      return;
    }
    button.textContent = copiedLabel;
    setTimeout(() => { button.textContent = copyLabel; }, 1500);
  }

  post({ type: 'ready' });
})();
