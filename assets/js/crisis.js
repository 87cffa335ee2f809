// Crisis block region switcher. Shows the chosen region's help lines (also in [data-crisis-mirror]). Stores the choice in
// localStorage ONLY while "Remember on this device" is ticked; unticking removes it.
// Start-up order: remembered choice, then (inside an embed) the `region` query parameter.
const d = document, h = d.documentElement, KEY = 'feelagain:region';
h.classList.add('js');
const box = d.querySelector('[data-crisis]');
if (box) {
  const select = box.querySelector('[data-crisis-select]');
  const remember = box.querySelector('[data-crisis-remember]');
  const blocks = [...box.querySelectorAll('[data-region]')];
  const codes = blocks.map((b) => b.dataset.region);
  const show = (code) => {
    if (!codes.includes(code)) return false;
    select.value = code;
    for (const b of blocks) b.hidden = b.dataset.region !== code;
    // Copies elsewhere on the page (the self-check's immediate-help box) follow the choice.
    const src = blocks[codes.indexOf(code)];
    for (const m of d.querySelectorAll('[data-crisis-mirror]')) {
      m.replaceChildren(...[...src.children].filter((c) => !c.matches('h3')).map((c) => c.cloneNode(true)));
    }
    return true;
  };
  const save = () => {
    try {
      if (remember.checked) localStorage.setItem(KEY, select.value);
      else localStorage.removeItem(KEY);
    } catch { /* storage blocked: the choice lasts for this page only */ }
  };
  let stored = null;
  try { stored = localStorage.getItem(KEY); } catch { /* ignore */ }
  if (stored && show(stored)) remember.checked = true;
  else if (h.classList.contains('embed')) show(new URLSearchParams(location.search).get('region'));
  select.addEventListener('change', () => { show(select.value); if (remember.checked) save(); });
  remember.addEventListener('change', save);
  box.querySelector('[data-crisis-switch]').hidden = false;
}
