// Opens the HTML report of examples/org (with hostile strings planted in a copy) in headless
// Chromium and uses it like a person would: the registry table, a filter, a click on a graph
// node, a screenshot. Asserts that no planted script ran and that the page made no network
// request. Run by .ci/run; needs Debian's chromium (CHROMIUM env var to override) and the
// trustgate binary (TRUSTGATE_BIN, default target/debug/trustgate).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const bin = process.env.TRUSTGATE_BIN || path.join(repo, 'target', 'debug', 'trustgate');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const outDir = path.join(repo, 'target', 'browser-test');
const HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';

let browser, page, reportPath;
const requests = [];
const dialogs = [];
const pageErrors = [];

function hostileSnapshot() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trustgate-html-'));
  fs.cpSync(path.join(repo, 'examples', 'org'), dir, { recursive: true });
  const file = path.join(dir, '100000000002.json');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  const role = doc.RoleDetailList[0];
  role.Tags = (role.Tags || []).concat([{ Key: 'note', Value: HOSTILE }]);
  // A Sid is shown in the trust policy panel: hostile too.
  role.AssumeRolePolicyDocument.Statement[0].Sid = 'x</script><script>window.__pwned=3</script>';
  fs.writeFileSync(file, JSON.stringify(doc));
  return { dir, roleArn: role.Arn };
}

let planted;
before(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  planted = hostileSnapshot();
  reportPath = path.join(outDir, 'report.html');
  execFileSync(bin, ['report', planted.dir, '-o', reportPath, '--now', '2026-11-01'], { stdio: 'inherit' });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(pathToFileURL(reportPath).href);
});

after(async () => {
  if (browser) await browser.close();
  if (planted) fs.rmSync(planted.dir, { recursive: true, force: true });
});

test('the overview states what is reachable from outside', async () => {
  const headline = await page.locator('#headline h2').textContent();
  assert.match(headline, /reachable from outside the organization/);
  assert.ok(await page.locator('#chart-scope svg rect').count() >= 3, 'scope chart has bars');
});

test('the registry table lists, filters and sorts relationships', async () => {
  await page.click('nav button[data-tab="registry"]');
  const total = await page.evaluate(() => window.trustgateReport.relationships);
  assert.ok(total > 10, `relationships: ${total}`);
  const rows = await page.locator('#registry-table tbody tr').count();
  assert.equal(rows, Math.min(total, 100));
  await page.selectOption('#registry-scope', 'third-party');
  const filtered = await page.locator('#registry-table tbody tr').count();
  assert.ok(filtered > 0 && filtered < rows, `third-party rows: ${filtered} of ${rows}`);
  const scopes = await page.locator('#registry-table tbody tr td:nth-child(4)').allTextContents();
  assert.ok(scopes.every((s) => s === 'third-party'), scopes.join(','));
  assert.match(await page.locator('#registry-status').textContent(), new RegExp(`^${filtered} of ${total} `));
  await page.fill('#registry-search', 'datadog');
  const datadog = await page.locator('#registry-table tbody tr').count();
  assert.ok(datadog >= 1 && datadog <= filtered, `datadog rows: ${datadog}`);
  // CSV export of the filtered rows.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#registry-csv')]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  assert.equal(csv.length, datadog + 1, 'header + filtered rows');
  await page.click('#registry-clear');
  // Sorting by a column.
  await page.click('#registry-table th[data-key="account"]');
  assert.equal(await page.getAttribute('#registry-table th[data-key="account"]', 'aria-sort'), 'ascending');
});

test('hostile strings from the snapshot render as text', async () => {
  await page.fill('#registry-search', 'window.__pwned');
  // Tags are searchable; the cell shows the role, and the graph panel shows the tag as text.
  assert.ok(await page.locator('#registry-table tbody tr').count() >= 1);
  await page.click('#registry-table tbody tr:first-child td:first-child button');
  await page.waitForSelector('#details h3');
  const details = await page.locator('#details').textContent();
  assert.ok(details.includes(HOSTILE), 'the tag value is shown literally');
  assert.ok(details.includes('window.__pwned=3'), 'the Sid is shown literally');
  assert.equal(await page.locator('#details script, #details img').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(dialogs, []);
});

test('clicking a graph node shows its trust policy and paths', async () => {
  await page.click('nav button[data-tab="graph"]');
  await page.waitForFunction(() => window.trustgateReport.graph() && window.trustgateReport.graph().nodes > 0);
  const g = await page.evaluate(() => window.trustgateReport.graph());
  assert.ok(g.nodes > 10 && g.edges > 5, JSON.stringify(g));
  // Click the rendered node of a role (position from the graph, clicked with the mouse).
  const target = 'arn:aws:iam::100000000004:role/msp-support';
  await page.fill('#graph-find', target);
  await page.press('#graph-find', 'Enter');
  await page.waitForTimeout(400);
  const pos = await page.evaluate((id) => {
    const cyEl = document.getElementById('cy');
    const r = cyEl.getBoundingClientRect();
    const p = window.trustgateReport.renderedPosition(id);
    return p ? { x: r.left + p.x, y: r.top + p.y } : null;
  }, target);
  assert.ok(pos, 'the role is drawn');
  await page.click('#graph-fit'); // clear the find-highlight, then click the node itself
  const pos2 = await page.evaluate((id) => {
    const r = document.getElementById('cy').getBoundingClientRect();
    const p = window.trustgateReport.renderedPosition(id);
    return { x: r.left + p.x, y: r.top + p.y };
  }, target);
  await page.evaluate(() => { document.getElementById('details').textContent = ''; });
  await page.mouse.click(pos2.x, pos2.y);
  await page.waitForSelector('#details h3');
  const details = await page.locator('#details').textContent();
  assert.ok(details.includes(target), details.slice(0, 200));
  assert.ok(details.includes('Trust policy'), 'trust policy shown');
  assert.ok(/Paths through it \(\d+\)/.test(details), 'paths listed');
  await page.screenshot({ path: path.join(outDir, 'report-graph.png'), fullPage: false });
});

test('a path from the paths tab is highlighted in the graph', async () => {
  await page.click('nav button[data-tab="paths"]');
  await page.selectOption('#paths-kind', 'outside');
  const n = await page.locator('#paths-table tr').count();
  assert.ok(n > 1, 'paths from outside exist in the example');
  await page.click('#paths-table tr:nth-child(2) button');
  await page.waitForSelector('#details h3');
  assert.equal(await page.locator('#details h3').textContent(), 'Path');
  await page.screenshot({ path: path.join(outDir, 'report-path.png') });
});

test('the people tab shows users, MFA and key ages', async () => {
  await page.click('nav button[data-tab="people"]');
  const rows = await page.locator('#people-table tr').count();
  assert.ok(rows >= 5, `header + users: ${rows}`);
  const text = await page.locator('#people-table').textContent();
  assert.ok(text.includes('user/bob') && text.includes('no credential report') === false, text.slice(0, 300));
});

test('the Content-Security-Policy refuses connections', async () => {
  const violated = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.violatedDirective), { once: true });
    fetch('http://127.0.0.1:9/probe').catch(() => {});
    setTimeout(() => resolve('no violation'), 3000);
  }));
  assert.equal(violated, 'connect-src');
});

test('no network request, no script error, no dialog', async () => {
  const reportUrl = pathToFileURL(reportPath).href;
  const foreign = requests.filter((u) => u !== reportUrl && !u.startsWith('blob:') && !u.startsWith('data:') &&
    u !== 'http://127.0.0.1:9/probe'); // the CSP probe above, refused before it left the page
  assert.deepEqual(foreign, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(dialogs, []);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
});
