// Headless-browser test of the ledger panel against the mock server (test/mock-server.mjs, whose ledger
// routes are in test/mock-ledger.mjs): a token is entered, the problems show on the map coloured by
// status and in the list, the filters narrow the list to hand-counted sets of the fixture, and a status
// change with a note reaches the server (audited with the token's name); refusals (403, a missing reason,
// a stale version) are shown with the server's reason. Skipped when PERIMETER_URL points at a real server
// (the against-server run serves no ledger).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let mock;
let browser;
let page;
let profile;
const pageErrors = [];

const count = async () => Number(await page.locator('#ledger-count').getAttribute('data-count'));
const statuses = async () => page.locator('#ledger-list li[data-id]').evaluateAll((els) => els.map((e) => [Number(e.dataset.id), e.dataset.status]));

async function useToken(token) {
  await page.fill('#ledger-token', token);
  await page.click('#ledger-use');
}

describe('ledger panel in headless chromium', { skip: !!process.env.PERIMETER_URL, timeout: 120_000 }, () => {
  before(async () => {
    assert.ok(existsSync(join(here, '..', 'dist', 'index.html')), 'web/dist is missing: run web/build.sh first');
    const { startMock } = await import('./mock-server.mjs');
    mock = await startMock(0);
    profile = mkdtempSync(join(tmpdir(), 'perimeter-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
      viewport: { width: 1400, height: 900 },
      locale: 'zh-CN',
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${mock.url}/map/?test=1`);
    await page.waitForFunction(() => window.__perimeter?.ready || window.__perimeter?.error, null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => window.__perimeter.error), null);
  });

  after(async () => {
    await browser?.close();
    await mock?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('without a token the panel asks for one and the map has no problems', async () => {
    assert.equal(await page.locator('#ledger-section h2').textContent(), '整改台账');
    assert.equal(await page.locator('#ledger-list').count(), 0);
    assert.equal(await page.evaluate(() => window.__perimeter.map.querySourceFeatures('ledger').length), 0);
  });

  test('a viewer token is refused with the server reason', async () => {
    await useToken('mock-viewer');
    const msg = page.locator('#ledger-message');
    await msg.waitFor();
    assert.equal(await msg.getAttribute('data-error'), 'true');
    assert.match(await msg.textContent(), /^403 forbidden: role 'viewer' may read public layers only/);
  });

  test('a regulator token shows every problem, on the map coloured by status', async () => {
    await useToken('mock-regulator');
    // The viewer's refused state may still show a count of 0 until the regulator's list arrives.
    await page.waitForFunction(() => Number(document.querySelector('#ledger-count')?.dataset.count) > 0, null, { timeout: 30_000 });
    assert.equal(await count(), 10);
    assert.equal(await page.locator('#ledger-who').textContent(), 'regulator-desk（regulator）');
    assert.deepEqual((await statuses()).slice(0, 3), [[1, 'open'], [2, 'rectifying'], [3, 'open']]);
    await page.waitForFunction(() => window.__perimeter.map.queryRenderedFeatures({ layers: ['ledger-problems'] }).length > 0, null, { timeout: 30_000 });
    const rendered = await page.evaluate(() => [...new Set(window.__perimeter.map.queryRenderedFeatures({ layers: ['ledger-problems'] }).map((f) => f.properties.status))].sort());
    assert.deepEqual(rendered, ['open', 'rectifying']);
    const colour = await page.evaluate(() => window.__perimeter.map.getPaintProperty('ledger-problems', 'circle-color'));
    assert.deepEqual(colour.slice(0, 4), ['match', ['get', 'status'], 'open', '#c62828']);
  });

  test('filters by status, township and overdue', async () => {
    // The fixture: 10 findings, 5 in 城关镇 (problems 1, 2, 3, 6, 9); problem 2 is rectifying and overdue,
    // the rest open.
    await page.selectOption('select[data-filter=status]', 'rectifying');
    assert.deepEqual(await statuses(), [[2, 'rectifying']]);
    await page.selectOption('select[data-filter=status]', 'open');
    assert.equal(await count(), 9);
    await page.selectOption('select[data-filter=township]', '城关镇');
    assert.deepEqual(await statuses(), [[1, 'open'], [3, 'open'], [6, 'open'], [9, 'open']]);
    await page.check('#ledger-overdue');
    assert.equal(await count(), 0);
    await page.selectOption('select[data-filter=status]', '');
    assert.deepEqual(await statuses(), [[2, 'rectifying']]);
    assert.equal(await page.evaluate(() => window.__perimeter.map.getSource('ledger').serialize().data.features.length), 1);
    await page.uncheck('#ledger-overdue');
    await page.selectOption('select[data-filter=township]', '');
    assert.equal(await count(), 10);
  });

  test('a status change needs the workflow step and a reason, and is saved with the note', async () => {
    await page.click('#ledger-list li[data-id="1"]');
    const options = await page.locator('#ledger-next option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(options, ['rectifying', 'disputed']);
    await page.selectOption('#ledger-next', 'disputed');
    await page.click('#ledger-submit');
    await page.waitForFunction(() => document.querySelector('#ledger-message')?.dataset.error === 'true');
    assert.equal(await page.locator('#ledger-message').textContent(), '409 conflict: disputed needs a reason (note)');
    assert.equal(mock.ledger.audit.length, 0);

    await page.click('#ledger-list li[data-id="1"]');
    await page.selectOption('#ledger-next', 'disputed');
    await page.fill('#ledger-note', '场所已于上月注销');
    await page.click('#ledger-submit');
    await page.waitForFunction(() => document.querySelector('#ledger-list li[data-id="1"]')?.dataset.status === 'disputed');
    assert.equal(await page.locator('#ledger-message').textContent(), '已保存：1 → 有异议');
    assert.deepEqual(mock.ledger.audit, [{ problem_id: 1, actor: 'regulator-desk', field: 'status', from: 'open', to: 'disputed', note: '场所已于上月注销' }]);

    // open → rectifying needs a responsible unit; given with a deadline in the same change, it is saved.
    await page.click('#ledger-list li[data-id="4"]');
    await page.selectOption('#ledger-next', 'rectifying');
    await page.click('#ledger-submit');
    await page.waitForFunction(() => document.querySelector('#ledger-message')?.dataset.error === 'true');
    assert.equal(await page.locator('#ledger-message').textContent(), '409 conflict: rectifying needs a responsible unit: assign one first (or in the same change)');
    await page.click('#ledger-list li[data-id="4"]');
    await page.selectOption('#ledger-next', 'rectifying');
    await page.fill('#ledger-unit', '文广旅局');
    await page.fill('#ledger-deadline', '2026-12-31');
    await page.click('#ledger-submit');
    await page.waitForFunction(() => document.querySelector('#ledger-list li[data-id="4"]')?.dataset.status === 'rectifying');
    assert.deepEqual(
      mock.ledger.audit.slice(1).map((a) => [a.problem_id, a.field, a.from, a.to]),
      [[4, 'unit', null, '文广旅局'], [4, 'deadline', null, '2026-12-31'], [4, 'status', 'open', 'rectifying']],
    );
    await page.click('#ledger-list li[data-id="4"]');
    assert.equal(await page.locator('#ledger-detail div').first().textContent(), '责任单位: 文广旅局 · 整改期限: 2026-12-31');

    // Someone else changes problem 3 meanwhile: the panel's version is stale and the server says so.
    mock.ledger.problems[2].properties.version += 1;
    await page.click('#ledger-list li[data-id="3"]');
    await page.fill('#ledger-note', '已下达通知');
    await page.selectOption('#ledger-next', 'disputed');
    await page.click('#ledger-submit');
    await page.waitForFunction(() => document.querySelector('#ledger-message')?.dataset.error === 'true');
    assert.match(await page.locator('#ledger-message').textContent(), /^412 precondition_failed: problem 3 is at version 2, not 1/);
    assert.equal(mock.ledger.problems[2].properties.status, 'open');
    assert.deepEqual(pageErrors, []);
  });
});
