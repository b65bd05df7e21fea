// Autosave for long forms marked data-draft: every 30 seconds, if anything changed, the form is
// posted to its own address as a draft. The "Save as draft" button does the same without JavaScript.
const INTERVAL_MS = 30_000;

for (const form of document.querySelectorAll('form[data-draft]')) {
  const status = form.querySelector('[data-draft-status]');
  const answers = () => {
    const body = new URLSearchParams(new FormData(form));
    body.set('action', 'draft');
    return body;
  };
  let saved = answers().toString();
  let sending = false;
  let submitted = false;
  // A form being submitted must not be overtaken by a draft of itself.
  form.addEventListener('submit', () => {
    submitted = true;
  });

  setInterval(async () => {
    const body = answers();
    if (sending || submitted || body.toString() === saved) return;
    sending = true;
    try {
      const res = await fetch(form.action, {
        method: 'POST',
        body,
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (res.status === 204) {
        saved = body.toString();
        if (status) {
          const time = new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
          status.textContent = `Draft saved automatically at ${time}`;
        }
      }
    } catch {
      // Offline or signed out: the next change tries again, and the button still works.
    } finally {
      sending = false;
    }
  }, INTERVAL_MS);
}
