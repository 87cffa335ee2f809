// Runs inside /embed/<slug>/ pages. (1) Tells the host page our height, where "Leave this site" goes and our
// title (the frame's name for screen readers, unless the clinic gave one): {type: "feelagain:height", slug,
// height, exit, title}. targetOrigin "*" is fine: none is secret (all are in the page), and we do not know (or want to learn) the host's origin. (2) Applies allow-listed theme
// parameters from the query string; anything else is ignored. The `region` parameter is applied
// by crisis.js, which owns the region switcher.
const h = document.documentElement;
h.classList.add('js');
const q = new URLSearchParams(location.search);
const hex = (v) => { const m = /^#?([0-9a-fA-F]{6})$/.exec(v || ''); return m && `#${m[1]}`; };
const FONTS = {
  system: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  sans: '"Helvetica Neue", Arial, "Liberation Sans", sans-serif',
  serif: 'Georgia, Cambria, "Times New Roman", serif',
  rounded: 'ui-rounded, "SF Pro Rounded", "Arial Rounded MT Bold", system-ui, sans-serif',
  mono: 'ui-monospace, Menlo, Consolas, "Liberation Mono", monospace',
};
const font = q.get('font');
if (font && Object.prototype.hasOwnProperty.call(FONTS, font)) h.style.setProperty('--font', FONTS[font]);
if (/^(1|true)$/.test(q.get('compact') || '')) h.classList.add('compact');
// Light by default (set in embed.html): the host page decides, not the reader's device.
const theme = q.get('theme');
if (/^(light|dark|auto)$/.test(theme || '')) h.dataset.theme = theme;
if (q.get('bg') === 'transparent') h.classList.add('bg-transparent');

// Colours: applied only with enough contrast (4.5:1) against the theme's background, so a
// host's choice can never make the words or the help lines hard to read.
const lum = (c) => {
  let x = c.replace('#', '');
  if (x.length === 3) x = x.replace(/./g, '$&$&');
  const n = parseInt(x, 16);
  return [n >> 16, (n >> 8) & 255, n & 255].map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
};
// Checked per theme (site.css reads --fa-accent-light, --fa-accent-dark …), so with theme=auto the colour
// follows the device into dark mode only where it stays readable there too. The palettes come from site.css:
// switch the theme for a moment and read them.
const ratio = (x, y) => { const a = lum(x), b = lum(y); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
const shown = h.dataset.theme;
const palette = {};
for (const t of ['light', 'dark']) {
  h.dataset.theme = t;
  const cs = getComputedStyle(h);
  palette[t] = { bg: cs.getPropertyValue('--bg').trim(), on: cs.getPropertyValue('--on-accent').trim() };
}
if (shown) h.dataset.theme = shown; else delete h.dataset.theme;
for (const name of ['accent', 'text']) {
  const c = hex(q.get(name));
  if (!c) continue;
  for (const t of ['light', 'dark']) {
    // An accent is also the background of buttons, under --on-accent text.
    const ok = ratio(c, palette[t].bg) >= 4.5 && (name === 'text' || ratio(c, palette[t].on) >= 4.5);
    if (ok) h.style.setProperty(`--fa-${name}-${t}`, c);
  }
}

// <base target="_top"> sends links to the top window; in-page links must stay in the frame. The build already
// marks them (embed.frame_local_links, so it works without JavaScript); this catches any a template adds later.
for (const a of document.querySelectorAll('a[href^="#"]')) a.target = '_self';

const slug = h.dataset.slug || document.body.dataset.slug || '';
const exitHref = document.querySelector('a[data-exit-link]')?.href;
let last = -1;
const post = () => {
  const height = Math.ceil(h.getBoundingClientRect().height);
  if (height === last || window.parent === window) return;
  last = height;
  window.parent.postMessage({ type: 'feelagain:height', slug, height, exit: exitHref, title: document.title }, '*');
};
new ResizeObserver(post).observe(h);
addEventListener('load', post);
post();

// (3) Keep "Leave this site" in view. A self-sizing frame never scrolls inside, so on a long page the exit bar
// would scroll away with the frame. embed.js on the host page tells us, only when something changed,
// {type: "feelagain:host", slug, above, viewport}: how far our top is above the host's viewport, and that
// viewport's height (CSS px). We move the button down by `above` (a transform, so nothing reflows), clamped so it
// stays inside the frame. Only messages from our parent window with exactly this shape count; a plain iframe
// without embed.js gets none, and nothing changes. No animation: the button just stays put on the screen.
const exit = document.querySelector('.exit-bar--embed .exit');
const MAX = 1e6; // px: larger than any real page or screen
const num = (v, min) => typeof v === 'number' && Number.isFinite(v) && v >= min && v <= MAX;
let host = null;
let shift = 0;
const place = () => {
  if (!exit || !host) return;
  const r = exit.getBoundingClientRect();
  const top = r.top + scrollY - shift; // where the button sits without the shift (document coordinates)
  const room = Math.floor(h.getBoundingClientRect().height - (top + r.height)); // down to the frame's bottom
  // In a viewport too short to spare the room, the button stays where it is rather than cover the text.
  const want = host.viewport < 3 * r.height ? 0 : Math.min(host.above + scrollY, room);
  const next = Math.max(0, Math.round(want));
  if (next === shift) return;
  shift = next;
  exit.style.setProperty('--fa-exit-shift', `${shift}px`); // on the button: the root's style is the theme's
  exit.classList.toggle('exit--floating', shift > 0);
};
if (exit && window.parent !== window) {
  addEventListener('message', (e) => {
    if (e.source !== window.parent) return;
    const m = e.data;
    if (m && m.type === 'feelagain:leave') { forget(); return; }
    if (!m || typeof m !== 'object' || Array.isArray(m) || m.type !== 'feelagain:host' || m.slug !== slug) return;
    if (!num(m.above, 0) || !num(m.viewport, 1)) return;
    host = { above: m.above, viewport: m.viewport };
    place();
  });
  // The frame's own height changes (text reflows) or a not-yet-fitted frame scrolls inside: place again.
  new ResizeObserver(place).observe(h);
  addEventListener('scroll', place, { passive: true });
}

// (4) The clinic opted in to the keyboard exit on its own page (embed.js, data-exit-keys) and the reader used it
// there: the host page is leaving. Forget this visit as "Leave this site" does (exit.js): the crisis region kept
// for the visit, and whatever the offline worker holds beyond its fixed list. Nothing else happens here.
function forget() {
  try { sessionStorage.removeItem('feelagain:region'); } catch { /* blocked: nothing kept */ }
  try { navigator.serviceWorker?.controller?.postMessage({ type: 'forget' }); } catch { /* no worker here */ }
}
