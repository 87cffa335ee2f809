// "Copy" buttons on the embed guide. The code stays selectable without JavaScript.
// Words come from the page (partials/strings.html), in its language: this script holds none of its own.
const T = (() => { try { return JSON.parse(document.getElementById('fa-strings').textContent); } catch { return {}; } })();
const t = (key, values = {}) => (T[key] || key).replace(/\{(\w+)\}/g, (m, name) => String(values[name] ?? ''));
const d = document;
d.documentElement.classList.add('js');
const status = d.querySelector('[data-copy-status]');
for (const btn of d.querySelectorAll('[data-copy]')) {
  const code = d.getElementById(btn.dataset.copy);
  if (!code) continue;
  btn.hidden = false;
  btn.addEventListener('click', async () => {
    let msg = t('copy.copied');
    try {
      await navigator.clipboard.writeText(code.textContent);
    } catch {
      // No clipboard access (for example over plain http): select the code for Ctrl+C.
      getSelection().selectAllChildren(code);
      msg = t('copy.selected');
    }
    if (status) status.textContent = msg;
    btn.classList.add('copied');
    setTimeout(() => btn.classList.remove('copied'), 2000);
  });
}
