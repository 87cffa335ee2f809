// "Leave this site": click, or press Shift 3 times on its own within 5 s (GOV.UK pattern).
// Hides the page at once, then replaces the location (the top window inside an embed), so Back
// does not return here. Restored from the back-forward cache: show the page again.
// Leaving forgets this visit's crisis region (sessionStorage), not one remembered on the device, and asks the
// offline worker to drop anything it holds beyond its fixed list (help pages, offline notice, assets).
const d = document, h = d.documentElement;
h.classList.add('js');
const T = JSON.parse(d.getElementById('fa-strings')?.textContent || '{}');
const t = (k, v = {}) => (T[k] || k).replace(/\{(\w+)\}/g, (m, n) => v[n] ?? '');
const link = d.querySelector('[data-exit-link]');
const status = d.querySelector('[data-exit-status]');
let count = 0, timer;
const say = (text) => { if (status) status.textContent = text; };
const leave = (e) => {
  if (e) e.preventDefault();
  h.classList.add('exiting');
  say(t('leaving'));
  try { sessionStorage.removeItem('feelagain:region'); } catch { /* blocked: nothing kept */ }
  try { navigator.serviceWorker?.controller?.postMessage({ type: 'forget' }); } catch { /* no worker here */ }
  const url = link.href;
  try { window.top.location.replace(url); } catch { location.replace(url); }
};
if (link) {
  link.addEventListener('click', leave);
  // Count a Shift only when it is released with no other key pressed since it went down.
  let alone = false;
  d.addEventListener('keydown', (e) => {
    if (e.repeat) return;
    alone = e.key === 'Shift';
    if (!alone && count) { clearTimeout(timer); count = 0; say(''); }
  });
  d.addEventListener('keyup', (e) => {
    if (e.key !== 'Shift' || !alone) return;
    alone = false;
    clearTimeout(timer);
    if (++count >= 3) { count = 0; leave(); return; }
    const left = 3 - count;
    say(t(left > 1 ? 'more' : 'more1', { n: left }));
    timer = setTimeout(() => { count = 0; say(t('timeout')); }, 5000);
  });
  addEventListener('pageshow', (e) => {
    if (e.persisted) { h.classList.remove('exiting'); count = 0; say(''); }
  });
}
