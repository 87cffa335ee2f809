// Self-check: live tally and message, immediate help first when an urgent item is ticked,
// a printable summary for an appointment, and "Clear answers". Answers are never stored or sent.
// Urgent items are not counted; when one is ticked its message replaces the band text (which would play it down).
const d = document, h = d.documentElement;
h.classList.add('js');
const T = JSON.parse(d.getElementById('fa-strings')?.textContent || '{}');
const t = (k, v = {}) => (T[k] || k).replace(/\{(\w+)\}/g, (m, n) => v[n] ?? '');
const el = (tag, text, cls) => {
  const e = d.createElement(tag);
  if (text) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};
const label = (box) => box.labels[0].textContent.trim();

for (const form of d.querySelectorAll('[data-checklist]')) {
  const boxes = [...form.querySelectorAll('input[type=checkbox]')];
  const isUrgentBox = (b) => b.hasAttribute('data-urgent');
  const plain = boxes.filter((b) => !isUrgentBox(b));
  const urgent = form.querySelector('[data-checklist-urgent]');
  const status = form.querySelector('[data-checklist-status]');
  const urgentText = urgent ? urgent.querySelector('[data-message]').textContent : '';
  const results = [...form.querySelectorAll('[data-min]')].map((li) => ({
    min: +li.dataset.min,
    max: li.dataset.max === '' ? Infinity : +li.dataset.max,
    text: li.querySelector('[data-message]').textContent,
    link: li.querySelector('a'), // the help page (messages are plain text: the only link is the template's)
  }));

  const update = (announce) => {
    const isUrgent = boxes.some((b) => b.checked && isUrgentBox(b));
    if (urgent) urgent.hidden = !isUrgent;
    const n = plain.filter((b) => b.checked).length;
    const parts = [];
    if (isUrgent) {
      parts.push(el('p', t('urgent', { message: urgentText }), 'checklist__urgent-note'));
      if (n) parts.push(el('p', t('alsoTicked', { n, total: plain.length }), 'checklist__tally'));
    } else {
      const result = results.find((r) => n >= r.min && n <= r.max);
      parts.push(el('p', t('tally', { n, total: plain.length }), 'checklist__tally'));
      if (result && (announce || n)) {
        const p = el('p', result.text);
        if (result.link) p.append(' ', result.link.cloneNode(true));
        parts.push(p);
      }
    }
    status.replaceChildren(...parts);
  };

  // The print-only summary is kept up to date, so the browser's own Print gives it too.
  const printout = (force) => {
    d.querySelector(`.printout[data-for="${form.id}"]`)?.remove();
    const ticked = boxes.filter((b) => b.checked).map(label);
    if (!ticked.length && !force) return;
    const sec = el('section', '', 'printout');
    sec.dataset.for = form.id;
    const when = new Date().toLocaleDateString(h.lang || undefined, { day: 'numeric', month: 'long', year: 'numeric' });
    const list = el('ul');
    for (const item of ticked.length ? ticked : [t('nothing')]) list.append(el('li', item));
    sec.append(
      el('h2', t('notes')),
      el('p', t('date', { date: when })),
      el('p', t('from', { title: d.title })),
      el('p', form.querySelector('legend').textContent),
      list,
      el('p', t('notDiagnosis')),
    );
    d.body.append(sec);
  };

  form.addEventListener('submit', (e) => e.preventDefault());
  form.addEventListener('change', () => { update(true); printout(); });
  form.querySelector('[data-checklist-print]').addEventListener('click', () => {
    printout(true);
    h.classList.add('print-checklist');
    print();
  });
  form.querySelector('[data-checklist-clear]').addEventListener('click', () => {
    form.reset();
    update(false);
    printout();
    status.prepend(el('span', `${t('cleared')} `, 'visually-hidden'));
  });
  addEventListener('afterprint', () => h.classList.remove('print-checklist'));
  addEventListener('pageshow', () => { update(false); printout(); });
  form.querySelector('[data-checklist-actions]').hidden = false;
  form.classList.add('is-live'); // CSS hides the static guidance only now
  update(false);
}
