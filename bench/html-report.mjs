// Times the HTML report in headless Chromium: open (parse + build tables), filter the registry,
// draw the graph. Usage: node bench/html-report.mjs REPORT.html (run by bench/html-report.sh).
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL, fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');
const report = path.resolve(process.argv[2]);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const ms = async (label, f) => { const t = Date.now(); await f(); console.log(`   ${label}: ${Date.now() - t} ms`); };
await ms('open (inflate, parse, tables, charts)', async () => {
  await page.goto(pathToFileURL(report).href);
  await page.waitForFunction(() => window.trustgateReport, null, { timeout: 300000 });
});
console.log('   ' + JSON.stringify(await page.evaluate(() => ({ relationships: window.trustgateReport.relationships, roles: window.trustgateReport.roles, paths: window.trustgateReport.paths }))));
await ms('registry: search "vendor"', async () => {
  await page.click('nav button[data-tab="registry"]');
  await page.fill('#registry-search', 'vendor');
  await page.locator('#registry-status').textContent();
});
await ms('graph drawn (account level when > 400 roles)', async () => {
  await page.click('nav button[data-tab="graph"]');
  await page.waitForFunction(() => window.trustgateReport.graph() && window.trustgateReport.graph().nodes > 0, null, { timeout: 300000 });
});
console.log('   ' + JSON.stringify(await page.evaluate(() => window.trustgateReport.graph())));
await browser.close();
