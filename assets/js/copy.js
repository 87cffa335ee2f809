// "Copy" buttons on the embed guide. The code stays selectable without JavaScript.
// Words: the page's #fa-strings (partials/strings.html).
const T = JSON.parse(document.getElementById('fa-strings')?.textContent || '{}');
const t = (k, v = {}) => (T[k] || k).replace(/\{(\w+)\}/g, (m, n) => v[n] ?? '');
const d = document;
d.documentElement.classList.add('js');
const status = d.querySelector('[data-copy-status]');
for (const btn of d.querySelectorAll('[data-copy]')) {
  const code = d.getElementById(btn.dataset.copy);
  if (!code) continue;
  btn.hidden = false;
  btn.addEventListener('click', async () => {
    let msg = t('copied');
    try {
      await navigator.clipboard.writeText(code.textContent);
    } catch {
      // No clipboard access (for example over plain http): select the code for Ctrl+C.
      getSelection().selectAllChildren(code);
      msg = t('selected');
    }
    if (status) status.textContent = msg;
    btn.classList.add('copied');
    setTimeout(() => btn.classList.remove('copied'), 2000);
  });
}
