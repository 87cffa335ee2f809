// Crisis block region switcher. Shows the chosen region's help lines (also in [data-crisis-mirror] and the
// help page's [data-help-region] buttons). Where the choice is kept, and nothing is ever sent anywhere:
// - an explicit choice lasts for the visit in sessionStorage (dies with the tab; "Leave this site" clears it);
// - in localStorage ONLY while "Remember on this device" is ticked; unticking removes it.
// Start-up order: remembered choice, this visit's choice, (inside an embed) the `region` query parameter,
// then a guess from the device's time zone (only if the site allows it: data-guess-region), else the default.
const d = document, h = d.documentElement, KEY = 'feelagain:region';
h.classList.add('js');

// Time zones → region codes, most specific first; the first code the site has wins. EU: member states only.
const EU = 'Amsterdam Athens Berlin Bratislava Brussels Bucharest Budapest Busingen Copenhagen Helsinki Lisbon '
  + 'Ljubljana Luxembourg Madrid Malta Mariehamn Nicosia Paris Prague Riga Rome Sofia Stockholm Tallinn Vienna '
  + 'Vilnius Warsaw Zagreb';
const US = 'New_York Chicago Denver Los_Angeles Phoenix Anchorage Boise Detroit Juneau Sitka Metlakatla Yakutat Nome '
  + 'Adak Menominee';
const CA = 'Toronto Vancouver Edmonton Winnipeg Halifax St_Johns Regina Swift_Current Moncton Glace_Bay Goose_Bay '
  + 'Whitehorse Dawson Dawson_Creek Fort_Nelson Creston Iqaluit Rankin_Inlet Resolute Cambridge_Bay Inuvik Atikokan '
  + 'Blanc-Sablon Nipigon Thunder_Bay Rainy_River Pangnirtung Yellowknife';
const zoneRegions = (tz) => {
  const [area, ...rest] = tz.split('/');
  const city = rest.join('/');
  if (['Europe/London', 'Europe/Belfast', 'Europe/Isle_of_Man', 'Europe/Jersey', 'Europe/Guernsey'].includes(tz)) return ['uk'];
  if (tz === 'Europe/Dublin') return ['ie', 'eu'];
  if ((area === 'Europe' && EU.split(' ').includes(city)) || tz === 'Asia/Nicosia'
    || ['Atlantic/Canary', 'Atlantic/Madeira', 'Atlantic/Azores', 'Africa/Ceuta'].includes(tz)) return ['eu'];
  if (area === 'America' && (US.split(' ').includes(city) || /^(Indiana|Kentucky|North_Dakota)\//.test(city))) return ['us'];
  if (tz === 'Pacific/Honolulu') return ['us'];
  if (area === 'America' && CA.split(' ').includes(city)) return ['ca'];
  if (area === 'Australia') return ['au'];
  if (tz === 'Pacific/Auckland' || tz === 'Pacific/Chatham') return ['nz'];
  return [];
};
const guess = (codes) => {
  let tz = '';
  try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch { /* no Intl: no guess */ }
  return zoneRegions(tz).find((c) => codes.includes(c)) || null;
};
const read = (store) => { try { return store.getItem(KEY); } catch { return null; } };

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
    // The help page's big buttons follow the choice.
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
  const remembered = read(localStorage);
  if (remembered && show(remembered)) remember.checked = true;
  else if (show(read(sessionStorage))) { /* chosen earlier in this visit */ }
  else if (h.classList.contains('embed') && show(new URLSearchParams(location.search).get('region'))) { /* host's */ }
  else if (box.hasAttribute('data-guess-region')) show(guess(codes));
  select.addEventListener('change', () => {
    show(select.value);
    try { sessionStorage.setItem(KEY, select.value); } catch { /* storage blocked: this page only */ }
    if (remember.checked) save();
  });
  remember.addEventListener('change', save);
  box.querySelector('[data-crisis-switch]').hidden = false;
}
