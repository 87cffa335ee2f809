// Feel Again offline help (a service worker, written by the build to the site root).
// At install it stores a fixed list: the Get help page of each language, each language's offline notice, the
// manifest and every stylesheet, script and image. It never stores the pages a reader opens: on a shared phone they would be
// a record of what was read. Without a network, the help pages open as usual, and any other page shows the
// offline notice with the crisis lines, in the language of the page asked for.
// It sends nothing anywhere: it only answers this site's own GET requests, from the network first (pages) or
// from its cache (assets). "Leave this site" asks it to drop anything that is not in the fixed list.
const VERSION = {{ version | tojson }};
const PRECACHE = {{ precache | tojson }};
const OFFLINE = {{ offline | tojson }};
// Each other language's notice by its URL prefix ({"es/": "es/offline/"}): a page under /es/ gets the Spanish one.
const NOTICES = {{ notices | default({}) | tojson }};
const PREFIX = 'feelagain-';
const CACHE = PREFIX + VERSION;
const ROOT = new URL('./', self.location.href);
const SKIP = new URL('pagefind/', ROOT).pathname;

const key = (url) => url.origin + url.pathname; // no query, no fragment
const FIXED = new Set(PRECACHE.map((path) => key(new URL(path, ROOT))));

// Every cache of this site but the current one goes, and the current one keeps only the fixed list (an older
// worker kept each page opened). Caches not named by us (another app on the same origin) are left alone.
const prune = async () => {
  for (const name of await caches.keys()) {
    if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
  }
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    if (!FIXED.has(key(new URL(request.url)))) await cache.delete(request);
  }
};

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
    await prune();
    await self.clients.claim();
  })());
});

// The notice in the language of the page asked for: its language's prefix, else the default language's.
const noticeFor = (url) => {
  const path = url.pathname.slice(ROOT.pathname.length);
  const prefix = Object.keys(NOTICES).find((p) => path.startsWith(p) || path + '/' === p);
  return new URL(prefix ? NOTICES[prefix] : OFFLINE, ROOT).href;
};

// Pages come from the network and are not stored. Offline: a precached page (a help page, a notice) as it
// is; any other page sends the reader to the notice in its language, at its own address, where its relative
// links and stylesheet resolve (shown at another depth, they would not).
const page = async (request, url) => {
  try {
    return await fetch(request);
  } catch {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(key(url));
    if (kept) return kept;
    for (const notice of [noticeFor(url), new URL(OFFLINE, ROOT).href]) {
      if (await cache.match(notice)) return Response.redirect(notice, 302);
    }
    return Response.error();
  }
};

const asset = async (request, url) => {
  const cache = await caches.open(CACHE);
  return (await cache.match(key(url))) || fetch(request);
};

// "Leave this site" (exit.js) asks for anything beyond the fixed list to go.
self.addEventListener('message', (event) => {
  if ((event.data || {}).type === 'forget') event.waitUntil(prune());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== ROOT.origin || !url.pathname.startsWith(ROOT.pathname)
      || url.pathname.startsWith(SKIP)) return;
  event.respondWith(request.mode === 'navigate' ? page(request, url) : asset(request, url));
});
