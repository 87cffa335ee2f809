// Offline help: register sw.js (site root, so its scope is the whole site, also under a sub-path); not in frames.
if ('serviceWorker' in navigator && window.top === window.self) {
  const root = new URL('../', import.meta.url);
  navigator.serviceWorker.register(new URL('sw.js', root), { scope: root.pathname })
    .then(() => navigator.serviceWorker.ready)
    .then((reg) => reg.active.postMessage({ type: 'keep', path: location.pathname })) // this first page too
    .catch(() => {});
}
