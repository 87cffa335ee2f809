// Runs inside /embed/<slug>/ pages. (1) Tells the host page our height:
// {type: "feelagain:height", slug, height}. targetOrigin "*" is fine: the height is not secret,
// and we do not know (or want to learn) the host's origin. (2) Applies allow-listed theme
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
const accent = hex(q.get('accent'));
if (accent) h.style.setProperty('--accent', accent);
const text = hex(q.get('text'));
if (text) h.style.setProperty('--text', text);
const font = q.get('font');
if (font && Object.prototype.hasOwnProperty.call(FONTS, font)) h.style.setProperty('--font', FONTS[font]);
if (/^(1|true)$/.test(q.get('compact') || '')) h.classList.add('compact');
const theme = q.get('theme');
if (/^(light|dark|auto)$/.test(theme || '')) h.dataset.theme = theme;
if (q.get('bg') === 'transparent') h.classList.add('bg-transparent');

const slug = h.dataset.slug || document.body.dataset.slug || '';
let last = -1;
const post = () => {
  const height = Math.ceil(h.getBoundingClientRect().height);
  if (height === last || window.parent === window) return;
  last = height;
  window.parent.postMessage({ type: 'feelagain:height', slug, height }, '*');
};
new ResizeObserver(post).observe(h);
addEventListener('load', post);
post();
