// Offline help: register sw.js (site root, so its scope is the whole site, also under a sub-path); not in frames.
// The worker keeps only the help pages, the offline notice and the assets, never the pages a reader opens.
if ('serviceWorker' in navigator && window.top === window.self) {
  const root = new URL('../', import.meta.url);
  navigator.serviceWorker.register(new URL('sw.js', root), { scope: root.pathname }).catch(() => {});
}
