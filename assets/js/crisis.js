// Crisis region switcher: shows the chosen region's lines (footer, [data-crisis-mirror], [data-help-region]).
// A choice is kept for the visit (sessionStorage; "Leave this site" clears it), and in localStorage only while
// "Remember on this device" is ticked. Nothing is sent. Start-up: remembered, this visit's, the embed's
// `region` parameter, a guess from the time zone (if data-guess-region; `intl` for a place not listed), else the
// default.
const d = document, h = d.documentElement, KEY = 'feelagain:region';
h.classList.add('js');

// Time zone → region codes to try in order (the site may not have the first). EU: member states only.
// Browsers may report a zone by an older alias (Chromium says America/Indianapolis for
// America/Indiana/Indianapolis), so the IANA `backward` names of these places are listed too.
const ZONES = [
  [/^(Europe\/(London|Jersey|Guernsey|Isle_of_Man|Belfast)|GB|GB-Eire)$/, 'uk'],
  [/^(Europe\/Dublin|Eire)$/, 'ie eu'],
  [/^(Europe\/(Amsterdam|Athens|Berlin|Bratislava|Brussels|Bucharest|Budapest|Busingen|Copenhagen|Helsinki|Lisbon|Ljubljana|Luxembourg|Madrid|Malta|Mariehamn|Nicosia|Paris|Prague|Riga|Rome|Sofia|Stockholm|Tallinn|Vienna|Vilnius|Warsaw|Zagreb)|Asia\/(Nicosia|Famagusta)|Atlantic\/(Canary|Madeira|Azores)|Africa\/Ceuta|Portugal|Poland)$/, 'eu'],
  [/^(America\/(Toronto|Vancouver|Edmonton|Winnipeg|Halifax|St_Johns|Regina|Swift_Current|Moncton|Glace_Bay|Goose_Bay|Whitehorse|Dawson|Dawson_Creek|Fort_Nelson|Creston|Iqaluit|Rankin_Inlet|Resolute|Cambridge_Bay|Inuvik|Atikokan|Blanc-Sablon|Montreal|Thunder_Bay|Nipigon|Rainy_River|Yellowknife|Pangnirtung|Coral_Harbour)|Canada\/(Eastern|Central|Mountain|Pacific|Atlantic|Newfoundland|Saskatchewan|Yukon))$/, 'ca'],
  [/^(America\/(New_York|Chicago|Denver|Los_Angeles|Phoenix|Anchorage|Boise|Detroit|Juneau|Sitka|Metlakatla|Yakutat|Nome|Adak|Menominee|Indianapolis|Fort_Wayne|Knox_IN|Louisville|Shiprock|Atka|(Indiana|Kentucky|North_Dakota)\/\w+)|Pacific\/Honolulu|US\/(Eastern|Central|Mountain|Pacific|Alaska|Hawaii|Arizona|Michigan|Aleutian|East-Indiana|Indiana-Starke)|Navajo)$/, 'us'],
  [/^Australia\//, 'au'],
  [/^(Pacific\/(Auckland|Chatham)|NZ|NZ-CHAT)$/, 'nz'],
];
// A zone that names a place this site has no lines for gets the `intl` region ("Other countries") if the site has
// one: never another country's emergency number. No zone, or UTC/Etc/* (not a place): no guess, the default.
const FALLBACK = 'intl';
const guess = (codes) => {
  let tz = '';
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch { /* no guess */ }
  if (!tz || /^(Etc\/|UTC$|GMT$|UCT$|Universal$|Zulu$)/.test(tz)) return null;
  const hit = ZONES.find(([re]) => re.test(tz));
  const found = hit && hit[1].split(' ').find((c) => codes.includes(c));
  return found || (codes.includes(FALLBACK) ? FALLBACK : null);
};
// By name, inside the try: where storage is blocked (a frame on another site in a private window, or all site data
// blocked), merely reading window.localStorage throws, and the region code must still run.
const read = (name) => { try { return window[name].getItem(KEY); } catch { return null; } };

const box = d.querySelector('[data-crisis]');
if (box) {
  const select = box.querySelector('[data-crisis-select]');
  const remember = box.querySelector('[data-crisis-remember]');
  const blocks = [...box.querySelectorAll('[data-region]')];
  const codes = blocks.map((b) => b.dataset.region);
  const show = (code) => {
    if (!codes.includes(code)) return false;
    select.value = code;
    for (const b of blocks) b.hidden = b.dataset.region !== code;
    for (const b of d.querySelectorAll('[data-help-region]')) b.hidden = b.dataset.helpRegion !== code;
    // Copies elsewhere on the page (the self-check's immediate-help box) follow the choice.
    const src = blocks[codes.indexOf(code)];
    for (const m of d.querySelectorAll('[data-crisis-mirror]')) {
      m.replaceChildren(...[...src.children].filter((c) => !c.matches('h3')).map((c) => c.cloneNode(true)));
    }
    return true;
  };
  const save = () => {
    try {
      if (remember.checked) localStorage.setItem(KEY, select.value);
      else localStorage.removeItem(KEY);
    } catch { /* storage blocked: the choice lasts for this page only */ }
  };
  const remembered = read('localStorage');
  if (remembered && show(remembered)) remember.checked = true;
  else if (show(read('sessionStorage'))) { /* chosen earlier in this visit */ }
  else if (h.classList.contains('embed') && show(new URLSearchParams(location.search).get('region'))) { /* host's */ }
  else if (box.hasAttribute('data-guess-region')) show(guess(codes));
  const picker = box.querySelector('[data-crisis-switch]');
  // Says which region a reader chose (its name and emergency line), as its lines change away from focus.
  const status = d.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  picker.append(status);
  select.addEventListener('change', () => {
    show(select.value);
    status.textContent = [...blocks[codes.indexOf(select.value)].querySelectorAll('h3, .crisis__emergency')]
      .map((e) => e.textContent.trim()).join(': ');
    try { sessionStorage.setItem(KEY, select.value); } catch { /* storage blocked: this page only */ }
    if (remember.checked) save();
  });
  remember.addEventListener('change', save);
  picker.hidden = false;
  // With the picker shown, "Change country" leads to it (without JavaScript: to the list of every country).
  for (const a of d.querySelectorAll('[data-change-region]')) a.setAttribute('href', '#need-help');
}
