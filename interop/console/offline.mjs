// Opens self-contained HTML pages (lading verify --html) from disk in Debian's chromium
// (playwright-core; no browser download), runs axe-core on each and takes a full-page screenshot.
//
//   node offline.mjs SHOTS_DIR PAGE.html...
// Prints one JSON object: {ok, pages: [{page, lang, title, violations}]}; serious or critical
// axe violations are listed, not filtered by the caller.
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const [shots, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.LADING_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
const report = { ok: true, pages: [] };
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const page = await context.newPage();
  // An offline page loads nothing: any request but the page itself is a failure.
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  for (const file of pages) {
    await page.goto(pathToFileURL(file).href);
    await page.addScriptTag({ path: require.resolve('axe-core') });
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
    const violations = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.html) }));
    if (violations.length) report.ok = false;
    await page.screenshot({ path: `${shots}/${basename(file, '.html')}.png`, fullPage: true });
    report.pages.push({
      page: file,
      lang: await page.getAttribute('html', 'lang'),
      title: await page.title(),
      verdict: await page.locator('#verdict').innerText(),
      violations,
    });
  }
  if (requests.length) { report.ok = false; report.requests = requests; }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
