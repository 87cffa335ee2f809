// "Copy" buttons on the embed guide. The code stays selectable without JavaScript.
const d = document;
d.documentElement.classList.add('js');
const status = d.querySelector('[data-copy-status]');
for (const btn of d.querySelectorAll('[data-copy]')) {
  const code = d.getElementById(btn.dataset.copy);
  if (!code) continue;
  btn.hidden = false;
  btn.addEventListener('click', async () => {
    let msg = 'Copied';
    try {
      await navigator.clipboard.writeText(code.textContent);
    } catch {
      // No clipboard access (for example over plain http): select the code for Ctrl+C.
      getSelection().selectAllChildren(code);
      msg = 'Selected: press Ctrl+C or Cmd+C to copy';
    }
    if (status) status.textContent = msg;
    btn.classList.add('copied');
    setTimeout(() => btn.classList.remove('copied'), 2000);
  });
}
