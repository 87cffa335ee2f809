/* Feel Again embed script for host pages (clinics). A classic script, not a module, because
   document.currentScript is null in modules and we need our own URL.
   Usage: <div data-feelagain="signs" data-title="Signs of emotional numbness"
               data-accent="005a70"><a href="…/signs/">Read: Signs…</a></div>
          data-lang="es" embeds the page of another language (its slug: data-feelagain="senales"),
          from /es/embed/senales/; the default language's code, or none, embeds from /embed/. data-region
          (only for a clinic whose visitors all live in one country) outranks the reader's own region. data-exit-top="64": the host's sticky header is 64 px tall (the exit
          button, kept in view on a long page, stops below it). data-exit-keys="true": Shift 3 times
          anywhere on the host page leaves too (opt-in: it acts on the clinic's page).
          <script src="https://OUR-SITE/embed.js" async referrerpolicy="no-referrer"></script>
   Placeholders added later (a single-page app, a CMS widget) become frames too: the script watches the page
   for added elements. A site may also call window.FeelAgain.scan() (or .scan(element), to look only inside
   that element) after adding placeholders. Each placeholder gets one frame, however often it is scanned; given
   another data-feelagain or data-lang, it shows that page instead.
   Host CSP needs: script-src OUR_ORIGIN; frame-src OUR_ORIGIN. No inline styles are needed:
   sizes are set through the CSSOM (element.style), which CSP allows. Nothing is tracked. */
(function () {
  'use strict';
  var me = document.currentScript;
  if (!me || !me.src) return;
  /* The site root, also below a sub-path: /embed.js sits there, and the pinned copy (assets/embed.<hash>.js, the
     same bytes: the one a clinic can check with integrity="…") one folder down. */
  var pinned = /\/assets\/embed\.[0-9a-f]{8}\.js$/.test(new URL(me.src).pathname);
  var base = new URL(pinned ? '../' : '.', me.src);
  var origin = base.origin;
  /* One record per frame we made and that is still in the page: {f: the iframe, slug, ready (our page in it has
     spoken), told (what it was last told), covered (px of the host's sticky header, data-exit-top), named (true
     when the clinic gave no data-title, so our page's title names the frame)}. A frame taken out of the page is
     dropped (forget), so a single-page app that swaps views does not pile up dead frames. */
  var frames = [];
  var records = new WeakMap(); // iframe -> its record, to track it again if it is put back in the page
  var seen = new WeakMap(); // placeholder → the page and language it was handled for (held weakly: a removed one can go)
  var SLUG = /^[a-z0-9-]+$/;
  var LANG = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;
  // This site's language codes, the default first: the build writes them here (embed.host_script).
  var LANGUAGES = [];
  var RULES = {
    region: /^[a-z0-9-]{1,20}$/,
    accent: /^#?[0-9a-fA-F]{6}$/,
    text: /^#?[0-9a-fA-F]{6}$/,
    font: /^(system|sans|serif|rounded|mono)$/,
    compact: /^(1|true)$/,
    theme: /^(light|dark|auto)$/,
    bg: /^transparent$/
  };

  function warn(text) {
    if (window.console && console.warn) console.warn('Feel Again embed: ' + text);
  }

  /* The address prefix of a placeholder's data-lang: '' for the site's default language (its pages have no
     prefix, so data-lang="en" must not ask for /en/embed/…), 'es/' for another; null for a language the site
     does not have (a warning says so, and the placeholder's own link stays). Any case: "ES" is "es". */
  function prefixOf(el) {
    var lang = el.getAttribute('data-lang');
    if (!lang) return '';
    var want = lang.toLowerCase();
    for (var i = 0; i < LANGUAGES.length; i++) {
      if (LANGUAGES[i].toLowerCase() === want) return i === 0 ? '' : LANGUAGES[i] + '/';
    }
    if (!LANGUAGES.length && LANG.test(want)) return want + '/'; // the unbuilt source file: trust the code
    warn('data-lang="' + lang + '" is not a language of this site' +
         (LANGUAGES.length ? ' (it has: ' + LANGUAGES.join(', ') + ')' : '') + ', so no frame was made.');
    return null;
  }

  function build(el) {
    // Once per placeholder and page: scanned again (by the observer and FeelAgain.scan() both), it gets no second
    // frame and no second warning. An app that reuses the placeholder for another page (a new data-feelagain or
    // data-lang) gets the new page's frame in place of the old one.
    var slug = el.getAttribute('data-feelagain');
    var key = (slug || '') + '|' + (el.getAttribute('data-lang') || '');
    if (seen.get(el) === key) return;
    seen.set(el, key);
    var old = el.querySelector('iframe[data-feelagain-frame]');
    if (old && old.getAttribute('data-feelagain-frame') === slug && old.getAttribute('data-feelagain-key') === key) {
      return; // made by another copy of this script on the page
    }
    if (!slug) return;
    if (old) {
      old.remove();
      forget();
    }
    if (!SLUG.test(slug)) {
      warn('data-feelagain="' + slug + '" is not a page name (small letters, digits and "-"), so no frame was made.');
      return;
    }
    var prefix = prefixOf(el);
    if (prefix === null) return;
    var src = new URL(prefix + 'embed/' + slug + '/', base);
    Object.keys(RULES).forEach(function (k) {
      var v = el.getAttribute('data-' + k);
      if (v && RULES[k].test(v)) src.searchParams.set(k, v.replace(/^#/, ''));
    });
    var f = document.createElement('iframe');
    f.src = src.href;
    // Until our page loads and tells us its own title (onMessage), the frame is named by its address name.
    f.title = el.getAttribute('data-title') || 'Feel Again: ' + slug.replace(/-/g, ' ');
    // With the clinic's opt-in to the keyboard exit (below), the frame loads at once: it tells us where to go.
    var keys = /^(1|true)$/.test(el.getAttribute('data-exit-keys') || '');
    if (keys) wantKeys = true;
    f.loading = keys ? 'eager' : 'lazy';
    f.referrerPolicy = 'no-referrer';
    /* sandbox, only what the page needs:
       allow-scripts        our own small scripts (checklist, region switch, height messages);
       allow-same-origin    keeps our real origin, so the host can check event.origin and the
                            reader's "remember my region" choice works (our origin is not the
                            host's, so this gives us no access to the host page);
       allow-popups         lets tel:, sms: and mailto: help-line links open the phone or mail app;
       allow-modals         lets "Print or save for your appointment" open the print dialog (without it
                            the browser ignores print() in a sandboxed frame);
       allow-top-navigation-by-user-activation
                            "Leave this site" and links to the full pages replace the host page,
                            but only when the reader clicks: never on its own. */
    f.setAttribute('sandbox', 'allow-scripts allow-same-origin allow-popups allow-modals allow-top-navigation-by-user-activation');
    f.setAttribute('data-feelagain-frame', slug);
    f.setAttribute('data-feelagain-key', key);
    // A clinic page with a sticky header of its own says how tall it is (CSS px), so our button stops below it.
    var top = el.getAttribute('data-exit-top');
    var rec = { f: f, slug: slug, ready: false, told: null, named: !el.getAttribute('data-title'),
                covered: top && /^[0-9]{1,3}$/.test(top) ? Math.min(parseInt(top, 10), 300) : 0 };
    f.style.width = '100%';
    f.style.border = '0';
    f.style.display = 'block';
    f.style.minHeight = '20rem';
    f.style.height = '40rem';
    el.textContent = '';
    el.appendChild(f);
    frames.push(rec);
    records.set(f, rec);
    /* Our page speaks as soon as it runs (before its load event). A frame that loaded and stays silent shows
       something else: most often a mistyped page name (our "page not found"), or a CSP that blocks the frame. */
    f.addEventListener('load', function () {
      setTimeout(function () {
        if (!rec.ready && f.isConnected) {
          warn('the frame for "' + slug + '" (' + src.origin + src.pathname + ') did not answer. Check the page ' +
               'name in data-feelagain (the list is at ' + new URL(prefix + 'embed/', base).href + ') and that ' +
               'your Content-Security-Policy allows frame-src ' + origin + '.');
        }
      }, 3000);
    });
  }

  function onMessage(e) {
    if (e.origin !== origin) return;
    var d = e.data;
    if (!d || typeof d !== 'object' || d.type !== 'feelagain:height') return;
    if (typeof d.slug !== 'string' || !SLUG.test(d.slug)) return;
    if (typeof d.height !== 'number' || !isFinite(d.height) || d.height < 0 || d.height > 100000) return;
    var exitUrl = null;
    if (typeof d.exit === 'string' && d.exit.length <= 2048) {
      try {
        var u = new URL(d.exit);
        if (u.protocol === 'https:' || u.protocol === 'http:') exitUrl = u.href;
      } catch (err) { /* not a URL: ignored */ }
    }
    for (var i = 0; i < frames.length; i++) {
      var rec = frames[i], f = rec.f;
      // A frame taken out of the page has no window (contentWindow is null): it never matches.
      if (f.isConnected && f.contentWindow && e.source === f.contentWindow && rec.slug === d.slug) {
        f.style.height = Math.ceil(d.height) + 'px';
        f.style.minHeight = '0';
        // Our page is loaded in it (it spoke from our origin), so it can now be told where it is;
        // a frame's new height can also move the frames below it.
        rec.ready = true;
        rec.told = null; // a reloaded frame must be told again
        if (exitUrl) exitTo = exitUrl;
        // The clinic gave no data-title: the page's own title names the frame ("Signs of … – Feel Again").
        if (rec.named && typeof d.title === 'string') {
          var name = d.title.replace(/\s+/g, ' ').trim();
          if (name && name.length <= 300 && f.title !== name) f.title = name;
        }
        schedule();
        return;
      }
    }
  }

  /* Keep "Leave this site" in view. The frames never scroll inside, so the exit bar at the top of a long frame
     would scroll away. Once per animation frame after a scroll or resize, each frame that has spoken is told
     how far its top is above the viewport (or above the bottom of the clinic's sticky header, data-exit-top)
     and the viewport's height, and only when that changed. The message goes to that frame's window only, and
     only if it shows our origin (targetOrigin); it says nothing about this page beyond those two numbers.
     The frame moves its button down by that much, never out of the frame. */
  var pending = false;

  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(tell);
  }

  function tell() {
    pending = false;
    // Zoomed in with two fingers on a phone, the screen shows only part of the layout viewport: the visual one.
    var vv = window.visualViewport;
    var viewTop = vv ? vv.offsetTop : 0;
    var viewport = Math.round(vv ? vv.height : window.innerHeight || document.documentElement.clientHeight);
    for (var i = 0; i < frames.length; i++) {
      var rec = frames[i], f = rec.f;
      if (!rec.ready || !f.isConnected || !f.contentWindow) continue;
      var r = f.getBoundingClientRect();
      var above = Math.round(Math.min(Math.max(0, Math.max(rec.covered, viewTop) - r.top), r.height));
      var key = above + ' ' + viewport;
      if (rec.told === key) continue;
      rec.told = key;
      f.contentWindow.postMessage(
        { type: 'feelagain:host', slug: rec.slug, above: above, viewport: viewport }, origin);
    }
  }

  /* Opt-in (data-exit-keys="true" on a placeholder): Shift pressed 3 times on its own within 5 s anywhere on
     this page leaves, as it does inside the frame. It acts on the clinic's own page, so only when the clinic
     asks. It goes where our "Leave this site" goes (the frame tells us, from our origin), hides this page at
     once and replaces it, so Back does not return here; the frames are asked to forget this visit's region. */
  var wantKeys = false;
  var exitTo = null;

  function leave() {
    if (!exitTo) return;
    document.documentElement.style.visibility = 'hidden';
    for (var i = 0; i < frames.length; i++) {
      var f = frames[i].f;
      if (frames[i].ready && f.isConnected && f.contentWindow) f.contentWindow.postMessage({ type: 'feelagain:leave' }, origin);
    }
    window.location.replace(exitTo);
  }

  function listenForKeys() {
    var count = 0, alone = false, timer = null;
    // Count a Shift only when it is released with no other key pressed since it went down.
    document.addEventListener('keydown', function (e) {
      if (e.repeat) return;
      alone = e.key === 'Shift';
      if (!alone) { count = 0; clearTimeout(timer); }
    }, true);
    document.addEventListener('keyup', function (e) {
      if (e.key !== 'Shift' || !alone) return;
      alone = false;
      clearTimeout(timer);
      if (++count >= 3) { count = 0; leave(); return; }
      timer = setTimeout(function () { count = 0; }, 5000);
    }, true);
    window.addEventListener('pageshow', function (e) {
      // Back from the exit page (back-forward cache): show the page again.
      if (e.persisted) { count = 0; document.documentElement.style.visibility = ''; }
    });
  }

  /* Listeners for the whole page, added once, when the first frame is made (a page without placeholders gets
     none). */
  var listening = false, keysOn = false;

  function listen() {
    if (!listening && frames.length) {
      listening = true;
      window.addEventListener('message', onMessage);
      // Capture: also hears scrolling inside a scrollable box of this page that holds a frame.
      document.addEventListener('scroll', schedule, { capture: true, passive: true });
      window.addEventListener('resize', schedule, { passive: true });
      if (window.visualViewport) {
        window.visualViewport.addEventListener('scroll', schedule, { passive: true });
        window.visualViewport.addEventListener('resize', schedule, { passive: true });
      }
    }
    if (wantKeys && !keysOn) {
      keysOn = true;
      listenForKeys();
    }
  }

  /* Make frames of the placeholders in root (an element, or the whole document), root itself included. An
     element that holds a frame we made and dropped (it was taken out of the page and put back) is tracked again. */
  function scan(root) {
    root = root && root.nodeType === 1 ? root : document;
    var els = root.querySelectorAll('[data-feelagain], iframe[data-feelagain-frame]');
    var list = root.nodeType === 1 && root.matches('[data-feelagain], iframe[data-feelagain-frame]') ? [root] : [];
    for (var i = 0; i < els.length; i++) list.push(els[i]);
    for (var j = 0; j < list.length; j++) {
      var el = list[j];
      if (el.hasAttribute('data-feelagain')) build(el);
      else if (records.has(el) && frames.indexOf(records.get(el)) < 0) frames.push(records.get(el));
    }
    listen();
  }

  // Drop the frames no longer in the page: nothing is sent to them, and they are not kept alive.
  function forget() {
    frames = frames.filter(function (rec) { return rec.f.isConnected; });
  }

  function watch() {
    if (typeof MutationObserver !== 'function') return;
    new MutationObserver(function (mutations) {
      var removed = false;
      for (var i = 0; i < mutations.length; i++) {
        if (mutations[i].type === 'attributes') { // a placeholder given (another) page or language
          var t = mutations[i].target;
          if (t.isConnected && t.hasAttribute('data-feelagain')) build(t);
          continue;
        }
        var added = mutations[i].addedNodes;
        // Only what was added, and inside it: never the whole page again.
        for (var j = 0; j < added.length; j++) if (added[j].nodeType === 1 && added[j].isConnected) scan(added[j]);
        if (mutations[i].removedNodes.length) removed = true;
      }
      if (removed) forget();
    }).observe(document.documentElement, { childList: true, subtree: true, attributes: true,
                                           attributeFilter: ['data-feelagain', 'data-lang'] });
  }

  function start() {
    scan(document);
    // After the first scan: while the page was still being parsed, a placeholder's own link could come after it.
    watch();
  }

  // For sites that prefer to say when they added placeholders. The first copy of this script keeps the name.
  if (!window.FeelAgain) window.FeelAgain = { scan: function (root) { scan(root); } };

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
