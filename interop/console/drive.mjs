// Drives Lading's web console in Debian's chromium (playwright-core; no browser is downloaded):
// loads every page, switches language by clicking the switch, uploads a valid bundle (green)
// and a tampered one (red, naming the failed check) through the form, and runs axe-core on each
// page (no serious or critical violations). Screenshots go to SHOTS.
//
// Then signs in on /admin with an admin token (a session cookie), and reads the maintenance
// stream pages, which need that session.
//
//   node drive.mjs BASE_URL BUNDLE TAMPERED_BUNDLE SHOTS_DIR ADMIN_TOKEN
// Prints one JSON object; exits 1 on the first failed expectation.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const [base, bundle, tampered, shots, token] = process.argv.slice(2);
const executablePath = process.env.LADING_CHROMIUM || '/usr/bin/chromium';
const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
});
// axe-core is injected as a script, which the console's CSP (rightly) forbids: bypass it for the audit only.
const context = await browser.newContext({ bypassCSP: true, locale: 'en-US', viewport: { width: 1100, height: 800 } });
const page = await context.newPage();
const report = { pages: [], violations: [] };

async function audit(name) {
  await page.addScriptTag({ path: require.resolve('axe-core') });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ['violations'] }));
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  report.violations.push(...serious.map((v) => ({ page: name, id: v.id, impact: v.impact, help: v.help })));
  await page.screenshot({ path: `${shots}/browser-${name}.png`, fullPage: true });
  report.pages.push(name);
}

try {
  await page.goto(`${base}/`);
  assert.equal(await page.locator('h1').innerText(), 'Transparency logs');
  await audit('dashboard');
  // The language switch, clicked.
  await page.getByRole('link', { name: '简体中文' }).click();
  assert.equal(await page.locator('h1').innerText(), '透明日志');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await audit('dashboard-zh');
  await page.getByRole('link', { name: '白名单' }).click();
  assert.equal(await page.locator('h1').innerText(), '白名单');
  await audit('trust-zh');
  await page.getByRole('link', { name: 'English' }).click();
  await page.getByRole('link', { name: 'Logs' }).click();
  await page.getByRole('link', { name: 'registry' }).click();
  assert.match(await page.locator('h1').innerText(), /registry/);
  await audit('log');
  // A valid bundle through the form: green.
  await page.goto(`${base}/verify`);
  await audit('verify');
  await page.setInputFiles('#bundle', bundle);
  await page.selectOption('#policy_name', 'policy');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Verify' }).click()]);
  assert.equal(await page.locator('#verdict').innerText(), 'VERIFIED');
  assert.match(await page.locator('#verdict').getAttribute('class'), /\bok\b/);
  // What the bundle delivers: the three deliverables, the inspection gallery drawn from the attached images.
  assert.equal(await page.locator('#deliverables article').count(), 3);
  assert.equal(await page.locator('#lot-decision').innerText(), 'LOT REJECTED');
  assert.ok(await page.locator('.gallery figure svg image').count() > 0, 'the gallery shows images');
  assert.equal(await page.locator('svg.histogram rect.bar').count(), 20);
  await audit('verdict-verified');
  // A tampered one: red, and the failed check is named.
  await page.goto(`${base}/verify?lang=zh-CN`);
  await page.setInputFiles('#bundle', tampered);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: '验证' }).click()]);
  assert.equal(await page.locator('#verdict').innerText(), '验证未通过');
  const failed = await page.locator('#checks tr.fail td:first-child').allInnerTexts();
  assert.ok(failed.length > 0, 'a failed check is listed');
  // ... with its reason in Chinese (the parser's own error text stays as written).
  const reasons = await page.locator('#checks tr.fail td:last-child').allInnerTexts();
  assert.ok(reasons.some((r) => r.includes('未通过验证')), `reasons: ${reasons}`);
  report.failed_checks = failed;
  await audit('verdict-refused');
  // Streams need an admin session: refused first, then the sign-in form, then the stream.
  await page.goto(`${base}/streams?lang=en`);
  assert.match(await page.locator('#reason').innerText(), /sign in as an administrator/);
  await page.goto(`${base}/admin?lang=en`);
  await audit('admin-login');
  await page.fill('#token', token);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in' }).click()]);
  assert.ok(await page.locator('#tokens').isVisible(), 'signed in: the token table');
  // Create a log through the form: served at once, listed.
  await page.fill('#create-log input[name=name]', 'fleet-b');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create a log' }).click()]);
  assert.match(await page.locator('#notice').innerText(), /Log created: fleet-b/);
  assert.ok((await page.locator('#admin-logs td').allInnerTexts()).includes('fleet-b'), 'the new log is listed');
  await audit('admin');
  await page.getByRole('link', { name: 'Streams' }).click();
  await page.getByRole('link', { name: 'fleet-example-de' }).click();
  assert.ok(await page.locator('svg.event-chart circle').count() > 0, 'events drawn');
  // Filter by result, through the form.
  await page.selectOption('select[name=result]', 'failure');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Apply' }).click()]);
  const results = await page.locator('table.events td.result').allInnerTexts();
  assert.ok(results.length > 0 && results.every((r) => r === 'failure'), `filtered: ${results}`);
  await audit('stream');
  assert.deepEqual(report.violations, [], 'no serious or critical accessibility violations');
  report.ok = true;
} catch (e) {
  report.ok = false;
  report.error = String(e && e.stack || e);
  report.at = page.url();
  report.main = (await page.locator('main').innerText().catch(() => '')).slice(0, 1000);
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));
process.exit(report.ok ? 0 : 1);
