// Feel Again offline help (a service worker, written by the build to the site root).
// At install it stores the Get help page, the offline notice, the manifest and every stylesheet, script and
// image. Afterwards each page the reader opens is stored as well. Without a network, stored pages open as
// usual, and any other page shows the offline notice with the crisis lines.
// It never stores addresses with a query string, never stores search, and sends nothing anywhere: it only
// answers this site's own GET requests, from the network first (pages) or from its cache (assets).
const VERSION = {{ version | tojson }};
const PRECACHE = {{ precache | tojson }};
const OFFLINE = {{ offline | tojson }};
const PREFIX = 'feelagain-';
const CACHE = PREFIX + VERSION;
const ROOT = new URL('./', self.location.href);
const SKIP = new URL('pagefind/', ROOT).pathname;

const key = (url) => url.origin + url.pathname; // no query, no fragment

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(PRECACHE.map((path) => new Request(new URL(path, ROOT), { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

// A new version replaces the old cache in one step: the old one is deleted only once the new one is complete.
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

const page = async (request, url) => {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic' && !url.search) await cache.put(key(url), response.clone());
    return response;
  } catch {
    return (await cache.match(key(url))) || (await cache.match(new URL(OFFLINE, ROOT).href)) || Response.error();
  }
};

const asset = async (request, url) => {
  const cache = await caches.open(CACHE);
  return (await cache.match(key(url))) || fetch(request);
};

// The page that registered the worker loaded before it existed: offline.js asks for that page to be kept too.
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'keep' || typeof data.path !== 'string') return;
  const url = new URL(data.path, ROOT);
  if (url.origin !== ROOT.origin || !url.pathname.startsWith(ROOT.pathname) || url.pathname.startsWith(SKIP)) return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    if (await cache.match(key(url))) return;
    try {
      const response = await fetch(key(url));
      if (response.ok && response.type === 'basic') await cache.put(key(url), response);
    } catch { /* offline already: nothing to keep */ }
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== ROOT.origin || !url.pathname.startsWith(ROOT.pathname)
      || url.pathname.startsWith(SKIP)) return;
  event.respondWith(request.mode === 'navigate' ? page(request, url) : asset(request, url));
});
