// Runs Lighthouse (npm lighthouse@12.2.3, mobile preset) on each URL given as an argument, in ONE Chrome.
// Prints JSON on stdout: {url: {performance, accessibility, "best-practices", seo, seconds, failed, runtimeError?}}
// where `failed` lists the non-performance audits that scored below 1.
// Env: CHROME_PATH (default /usr/bin/chromium). Used by bench/lighthouse.py.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
const out = {};
try {
  for (const url of process.argv.slice(2)) {
    const started = Date.now();
    const { lhr } = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error' });
    const entry = Object.fromEntries(Object.entries(lhr.categories).map(([k, v]) => [k, v.score]));
    entry.seconds = (Date.now() - started) / 1000;
    entry.failed = [];
    for (const [name, cat] of Object.entries(lhr.categories)) {
      if (name === 'performance') continue;
      for (const ref of cat.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit && audit.score !== null && audit.score < 1) entry.failed.push(`${name}:${ref.id}`);
      }
    }
    if (lhr.runtimeError) entry.runtimeError = lhr.runtimeError.message || String(lhr.runtimeError.code);
    if (lhr.runWarnings && lhr.runWarnings.length) entry.warnings = lhr.runWarnings;
    out[url] = entry;
  }
} finally {
  await chrome.kill();
}
console.log(JSON.stringify(out));
