// Guidance panel page script. Runs under a nonce CSP; talks to the extension only through
// typed messages: open (catalog entry), external (https link), copy, back, index, manageTrust,
// diagnose (the node in the page's context, in Azure).
// @ts-check
(function () {
  // eslint-disable-next-line no-undef
  const vscode = acquireVsCodeApi();
  // The extension hands in the page's state and the copy button's words (in the display language).
  const { copyLabel = 'Copy', copiedLabel = 'Copied' } = document.body.dataset;
  const raw = document.body.dataset.state;
  if (raw) {
    try {
      vscode.setState(JSON.parse(raw));
    } catch {
      // A page without state is still usable; it just is not restored after a reload.
    }
  }

  function post(message) {
    vscode.postMessage(message);
  }

  document.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target.closest('a, button') : null;
    if (!target) {
      return;
    }
    const entry = target.getAttribute('data-entry');
    const external = target.getAttribute('data-external');
    const action = target.getAttribute('data-action');
    if (entry) {
      event.preventDefault();
      post({ type: 'open', id: entry });
    } else if (external) {
      event.preventDefault();
      post({ type: 'external', url: external });
    } else if (action === 'copy') {
      const block = target.closest('.code-block');
      const code = block && block.querySelector('code');
      if (code) {
        post({ type: 'copy', text: code.textContent || '' });
        target.textContent = copiedLabel;
        setTimeout(() => { target.textContent = copyLabel; }, 1500);
      }
    } else if (action === 'back' || action === 'index' || action === 'manageTrust' || action === 'diagnose') {
      event.preventDefault();
      post({ type: action });
    } else if (target.tagName === 'A') {
      // Links the renderer made inert (not https, not a catalog entry) go nowhere.
      event.preventDefault();
    }
  });

  document.addEventListener('keydown', (event) => {
    if (event.altKey && event.key === 'ArrowLeft') {
      event.preventDefault();
      post({ type: 'back' });
    }
  });
})();
