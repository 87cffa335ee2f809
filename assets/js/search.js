// The search page of each language (search/, es/search/). Pagefind's loader, WebAssembly and index are fetched
// on the first query only, from <site root>/pagefind/: the form's data-root is the relative way up to the site
// root, so the same bundle serves every language and a sub-path deployment works. Pagefind picks the index
// of the page's <html lang>, so each language's search page finds that language's pages only.
// Results use our own markup: Pagefind's ready-made UI needs inline styles, which our CSP blocks.
// The query lives in the URL's fragment (#q=…), never in its query string: a browser does not send the
// fragment to the server, so the host's access log never holds what a reader searched for. Each search is
// one history entry, so Back and Forward step through earlier searches.
const d = document;
const form = d.querySelector('[data-search-form]');
const list = d.querySelector('[data-search-results]');
const status = d.querySelector('[data-search-status]');
const nojs = d.querySelector('[data-search-nojs]');
const MAX = 10;
const root = new URL(form?.dataset.root || '../', location.href);
let engine = null;

// "Help now" or "crisis lines?" → "help now", "crisis lines"; "Autolesión" → "autolesion" (accents dropped, as
// people often type without them): the same rule as feelagain/search.py normalise().
const normalise = (text) => (text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
  .match(/[\p{L}\p{N}_']+/gu) || []).join(' ');

const load = async () => {
  if (!engine) {
    engine = await import(new URL('pagefind/pagefind.js', root).href);
    // No worker: a worker gets the CSP of its own script, and only this page may run WebAssembly.
    await engine.options({ baseUrl: root.pathname, excerptLength: 24, noWorker: true });
    await engine.init();
  }
  return engine;
};

// Pagefind's excerpts are escaped text with <mark> around the query terms. Keep exactly that and nothing
// else: text nodes and <mark> elements are copied into our own nodes, so no markup from the index is used.
const excerptNodes = (html) => {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, 'text/html').body;
  const out = [];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out.push(d.createTextNode(child.textContent));
      else if (child.nodeName === 'MARK') { const m = d.createElement('mark'); m.textContent = child.textContent; out.push(m); }
      else walk(child);
    }
  };
  walk(parsed);
  return out;
};

const T = JSON.parse(d.getElementById('fa-strings')?.textContent || '{}');
const t = (k, v = {}) => (T[k] || k).replace(/\{(\w+)\}/g, (m, n) => v[n] ?? '');
const item = ({ url, title, section, excerpt, pinned }) => {
  const li = d.createElement('li');
  li.className = pinned ? 'search-result search-result--pinned' : 'search-result';
  const h = d.createElement('h2');
  h.className = 'search-result__title';
  const a = d.createElement('a');
  a.href = url;
  a.textContent = title;
  h.append(a);
  li.append(h);
  if (section) {
    const p = d.createElement('p');
    p.className = 'search-result__section';
    p.textContent = t('section', { section });
    li.append(p);
  }
  const p = d.createElement('p');
  p.className = 'search-result__excerpt';
  p.append(...(pinned ? [d.createTextNode(excerpt)] : excerptNodes(excerpt)));
  li.append(p);
  return li;
};

const pinnedFor = (query) => {
  let entries = [];
  try { entries = JSON.parse(list.dataset.pinned || '[]'); } catch { /* no pinned results */ }
  const q = ` ${normalise(query)} `;
  return entries.filter((e) => e.terms.some((t) => q.includes(` ${t} `)))
    .map((e) => ({ url: new URL(e.url, location.href).href, title: e.title, excerpt: e.description, pinned: true }));
};

const show = (query, found) => {
  list.replaceChildren(...found.map(item));
  list.hidden = found.length === 0;
  const n = found.length;
  status.textContent = n ? t(n === 1 ? 'result' : 'results', { n, query }) : t('none', { query });
};

let runs = 0; // only the latest search may show its results (a slow one must not overwrite a newer one)
const run = async (query) => {
  const ticket = ++runs;
  query = query.trim();
  if (!query) { list.replaceChildren(); list.hidden = true; status.textContent = ''; return; }
  status.textContent = t('searching');
  const pinned = pinnedFor(query);
  const seen = new Set(pinned.map((p) => new URL(p.url).pathname));
  let found = [];
  try {
    const pagefind = await load();
    const search = await pagefind.search(query);
    const data = await Promise.all(search.results.slice(0, MAX).map((r) => r.data()));
    for (const r of data) {
      const url = new URL(r.url, location.href);
      if (seen.has(url.pathname)) continue;
      seen.add(url.pathname);
      // The best-matching heading inside the page, if the match is under one.
      const sub = (r.sub_results || []).find((s) => s.url.includes('#') && s.title !== r.meta.title);
      found.push({ url: new URL(sub ? sub.url : r.url, location.href).href, title: r.meta.title,
        section: sub ? sub.title : '', excerpt: sub ? sub.excerpt : r.excerpt });
    }
  } catch {
    if (ticket !== runs) return;
    show(query, pinned);
    status.textContent = t('failed');
    return;
  }
  if (ticket !== runs) return;
  show(query, [...pinned, ...found].slice(0, MAX));
};

// The query of the current history entry: #q=… (what this page and the header box write).
const fromFragment = () => new URLSearchParams(location.hash.slice(1)).get('q') || '';
const fragmentFor = (query) => (query ? `#q=${encodeURIComponent(query)}` : '');

if (form && list && status) {
  if (nojs) nojs.hidden = true;
  const input = form.querySelector('input[type=search]');
  const searchFor = (query) => { input.value = query; run(query); };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const query = input.value.trim();
    if (location.hash !== fragmentFor(query)) {
      history.pushState(null, '', location.pathname + fragmentFor(query));
    }
    run(query);
  });
  // Back, Forward, or a fragment typed into the address bar: show that entry's search.
  // Back and Forward between searches. Another fragment (the skip link's #main, a result's #anchor) is a move
  // within the page, not a search: it must not empty the box and the results.
  addEventListener('popstate', () => {
    if (!location.hash || new URLSearchParams(location.hash.slice(1)).has('q')) searchFor(fromFragment());
  });
  let initial = fromFragment();
  // An old link or bookmark may still carry ?q=: read it once, then replace this history entry with the
  // fragment form, so the words are not kept in a URL that would reach the server again (reload, Back).
  const legacy = new URLSearchParams(location.search).get('q');
  if (location.search) {
    initial ||= (legacy || '').trim();
    history.replaceState(null, '', location.pathname + fragmentFor(initial));
  }
  if (initial) searchFor(initial);
}
