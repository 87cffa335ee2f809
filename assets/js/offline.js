// Offline help: registers the service worker (sw.js at the site root, scoped to the whole site, also under a
// sub-path). Not inside frames; embeds never load this script.
if ('serviceWorker' in navigator && window.top === window.self) {
  const root = new URL('../', import.meta.url);
  navigator.serviceWorker.register(new URL('sw.js', root), { scope: root.pathname })
    // Keep this first page as well (later pages are kept as they load); never with its query string.
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => reg.active.postMessage({ type: 'keep', path: location.pathname }))
    .catch(() => { /* no offline copy: the site works as before */ });
}
