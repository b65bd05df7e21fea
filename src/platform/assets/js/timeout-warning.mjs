// The GOV.UK timeout pattern: warn before an idle session ends, and let the person stay signed in.
const dialog = document.getElementById('timeout-warning');
if (dialog && typeof dialog.showModal === 'function') {
  const idleSeconds = Number(dialog.dataset.idleSeconds);
  const warnSeconds = Number(dialog.dataset.warnSeconds);
  const countdown = dialog.querySelector('[data-countdown]');
  let warnTimer;
  let endTimer;
  let tick;

  const minutesText = (seconds) => {
    const m = Math.ceil(seconds / 60);
    return m === 1 ? '1 minute' : `${m} minutes`;
  };

  const schedule = () => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    warnTimer = setTimeout(warn, (idleSeconds - warnSeconds) * 1000);
    endTimer = setTimeout(() => {
      window.location.href = '/signed-out?timeout=1';
    }, idleSeconds * 1000);
  };

  const warn = () => {
    let left = warnSeconds;
    countdown.textContent = minutesText(left);
    dialog.showModal();
    tick = setInterval(() => {
      left -= 1;
      // Announce only at whole minutes, so a screen reader is not interrupted every second.
      if (left > 0 && left % 60 === 0) countdown.textContent = minutesText(left);
    }, 1000);
  };

  dialog.querySelector('[data-stay]').addEventListener('click', async () => {
    const res = await fetch('/session/keep-alive', { credentials: 'same-origin', cache: 'no-store' });
    dialog.close();
    if (res.ok) schedule();
    else window.location.href = '/sign-in';
  });

  schedule();
}
