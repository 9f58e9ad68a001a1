// Headless-browser test of the web map: Debian's chromium driven by playwright-core.
//
//   node test/browser.test.mjs                    (against the mock API, test/mock-server.mjs)
//   PERIMETER_URL=http://127.0.0.1:8080 node test/browser.test.mjs   (against `perimeter serve`)
//
// Needs web/dist (web/build.sh) and /usr/bin/chromium (web/test/setup.sh). Writes test/artifacts/overview.png (first view), map.png (after the site check) and map-en.png.
// What it checks, with expected values taken from the API itself (so the same test holds for the mock
// and the real server):
// - the page loads with no console error, no page error and no failed request;
// - the sidebar's total equals the findings collection's numberMatched, and the findings and venues
//   (vector tile) layers have rendered features;
// - a click 50 m outside a school's campus (a point built on the outward normal of its longest edge)
//   answers "不可以" with exactly the distance text of the API's answer for that school, which is
//   50 m to within the click's rounding to whole pixels;
// - searching the school by name lists exactly its findings (numberMatched of school_id=…), and the CSV
//   download has the BOM, the header and one row per listed finding;
// - the English toggle turns the answer into "No";
// - the guard-post toggle draws every post of the `posts` collection (numberMatched) and holds every line
//   of `post_links`; a click on the post covering the most gates lists its schools (school_ids, in order),
//   officer and windows, and runs no site check.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { siteOutside } from './geo.mjs';
import { FIELDS, formatMetres } from '../src/export.js';

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const COVERED = ['primary', 'junior', 'senior', 'nine-year', 'complete-secondary'];
const SITE_OFFSET_M = 50;

let base;
let mock = null;
let browser; // a persistent BrowserContext
let page;
let profile;
const problems = [];

/** A police token the server accepts (guard-post plans are sensitive). */
const POLICE_TOKEN = process.env.PERIMETER_POLICE_TOKEN ?? 'mock-police';

async function api(path, token = null) {
  const res = await fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.equal(res.status, 200, `GET ${path} answered ${res.status}`);
  return res.json();
}

/**
 * Moves the map and waits for its first frame there, when it asks for the new view's tiles (returns
 * nothing: serialising the Map object that jumpTo returns would take seconds).
 */
async function jumpTo(center, zoom) {
  await page.evaluate(
    ([c, z]) =>
      new Promise((resolve) => {
        const map = window.__perimeter.map;
        map.once('render', () => resolve());
        map.jumpTo({ center: c, zoom: z });
      }),
    [center, zoom],
  );
}

/** Waits until the map has loaded every tile and image of the current view and stopped moving. */
async function waitIdle() {
  await page.waitForFunction(
    () => {
      const map = window.__perimeter.map;
      return map.loaded() && map.areTilesLoaded() && !map.isMoving();
    },
    null,
    { polling: 100, timeout: 60_000 },
  );
}

describe('web map in headless chromium', { timeout: 150_000 }, () => {
  before(async () => {
    assert.ok(existsSync(join(here, '..', 'dist', 'index.html')), 'web/dist is missing: run web/build.sh first');
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run web/test/setup.sh first`);
    if (process.env.PERIMETER_URL) base = process.env.PERIMETER_URL.replace(/\/+$/, '');
    else {
      const { startMock } = await import('./mock-server.mjs');
      mock = await startMock(0);
      base = mock.url;
    }
    profile = mkdtempSync(join(tmpdir(), 'perimeter-chromium-'));
    // A fresh profile each run (playwright passes it to chromium as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // WebGL without a GPU: SwiftShader, which Chromium no longer picks by itself.
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
      viewport: { width: 1400, height: 900 },
      deviceScaleFactor: 1,
      acceptDownloads: true,
      locale: 'zh-CN',
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (req) => {
      const why = req.failure()?.errorText ?? '';
      if (!why.includes('ERR_ABORTED')) problems.push(`request failed: ${req.url()} ${why}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
    });
  });

  after(async () => {
    await browser?.close();
    await mock?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  test('the page loads with no console error and shows every finding', async () => {
    await page.goto(`${base}/map/?test=1`);
    await page.waitForFunction(() => window.__perimeter?.ready || window.__perimeter?.error, null, { timeout: 60_000 });
    assert.equal(await page.evaluate(() => window.__perimeter.error), null);
    const all = await api('/collections/findings/items?limit=1');
    const count = page.locator('#findings-count');
    assert.equal(Number(await count.getAttribute('data-total')), all.numberMatched);
    assert.equal(Number(await count.getAttribute('data-count')), all.numberMatched);
    assert.ok(all.numberMatched > 0, 'the dataset has findings');
    assert.deepEqual(problems, []);
  });

  test('the findings layer and the venue tiles have rendered features', async () => {
    await waitIdle();
    const rendered = await page.evaluate(() => {
      const map = window.__perimeter.map;
      const n = (layers) => map.queryRenderedFeatures({ layers }).length;
      return { findings: n(['findings', 'findings-zero']), venues: n(['venues']), schools: n(['schools-fill', 'schools-point']) };
    });
    assert.ok(rendered.findings > 0, `findings rendered: ${JSON.stringify(rendered)}`);
    assert.ok(rendered.venues > 0, `venues rendered: ${JSON.stringify(rendered)}`);
    assert.ok(rendered.schools > 0, `schools rendered: ${JSON.stringify(rendered)}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'overview.png') });
  });

  test('a click 50 m from a school says 不可以 with the distance the API measured', async () => {
    const schools = await api('/collections/schools/items?limit=10000');
    // One-part campuses: a Polygon, or a MultiPolygon of one polygon (the server writes the model's MultiPolygons).
    const onePart = (g) => g.type === 'Polygon' || (g.type === 'MultiPolygon' && g.coordinates.length === 1);
    const candidates = schools.features.filter((f) => onePart(f.geometry) && COVERED.includes(f.properties.kind));
    const school = candidates.find((f) => siteOutside(f.geometry, SITE_OFFSET_M));
    assert.ok(school, 'a polygon campus of a primary or secondary school with a site 50 m off one of its edges');
    const site = siteOutside(school.geometry, SITE_OFFSET_M);
    await page.selectOption('#check-category', 'internet_cafe');
    await jumpTo(site, 17.5);
    await waitIdle();
    const px = await page.evaluate((lngLat) => window.__perimeter.map.project(lngLat), site);
    const box = await page.locator('#map canvas').boundingBox();
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === '/check'),
      page.mouse.click(box.x + px.x, box.y + px.y),
    ]);
    const answer = await response.json();
    await page.waitForSelector('#check-result[data-state="refused"], #check-result[data-state="allowed"], #check-result[data-state="error"]');
    assert.equal(answer.allowed, false, JSON.stringify(answer));
    const breach = answer.breaches.find((b) => b.school_id === school.properties.id);
    assert.ok(breach, `the answer names ${school.properties.id}: ${JSON.stringify(answer.breaches)}`);
    // 17.5: about 0.6 m per pixel here; the click lands within half a pixel diagonal of the site.
    assert.ok(Math.abs(breach.distance_m - SITE_OFFSET_M) < 1, `distance ${breach.distance_m} m is 50 m within the click's rounding`);
    assert.equal(await page.locator('#check-result .answer').textContent(), '不可以');
    assert.match(await page.locator('#check-result .question').textContent(), /网吧/);
    const shown = page.locator(`#check-result li.breach[data-school-id="${breach.school_id}"] .distance`).first();
    assert.equal(await shown.textContent(), formatMetres(breach.distance_m));
    assert.equal(formatMetres(breach.distance_m), `${breach.distance_m.toFixed(2)} m`);
    await jumpTo(site, 17);
    await waitIdle();
    const lines = await page.evaluate(() => window.__perimeter.map.queryRenderedFeatures({ layers: ['check-line'] }).length);
    assert.ok(lines >= 1, 'the measured line is drawn');
    await page.screenshot({ path: join(ARTIFACTS, 'map.png') });
    assert.deepEqual(problems, []);
  });

  test('the category filter narrows the list and the map to that category', async () => {
    const category = (await api('/collections/findings/items?limit=1')).features[0].properties.category;
    const expected = await api(`/collections/findings/items?limit=1&category=${encodeURIComponent(category)}`);
    await page.selectOption('#filter-category', category);
    assert.equal(Number(await page.locator('#findings-count').getAttribute('data-count')), expected.numberMatched);
    const categories = await page.evaluate(async () => {
      const data = await window.__perimeter.map.getSource('findings').getData();
      return [...new Set(data.features.map((f) => f.properties.category))];
    });
    assert.deepEqual(categories, [category]);
    await page.selectOption('#filter-category', '');
    const all = await api('/collections/findings/items?limit=1');
    assert.equal(Number(await page.locator('#findings-count').getAttribute('data-count')), all.numberMatched);
  });

  test('searching a school lists its findings; the CSV download holds them', async () => {
    const first = (await api('/collections/findings/items?limit=1')).features[0].properties;
    const expected = await api(`/collections/findings/items?limit=1&school_id=${encodeURIComponent(first.school_id)}`);
    await page.fill('#school-search', first.school_name);
    await page.click(`#search-results button[data-school-id="${first.school_id}"]`);
    const count = page.locator('#findings-count');
    assert.equal(Number(await count.getAttribute('data-count')), expected.numberMatched);
    assert.equal(await page.locator('#findings-list li.finding').count(), expected.numberMatched);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
    const csv = readFileSync(await download.path(), 'utf8');
    assert.equal(csv.charCodeAt(0), 0xfeff, 'CSV starts with a BOM');
    const lines = csv.slice(1).trimEnd().split('\n');
    assert.equal(lines[0], [...FIELDS, 'from_lon', 'from_lat', 'to_lon', 'to_lat'].join(','));
    assert.equal(lines.length - 1, expected.numberMatched);
    assert.ok(lines[1].startsWith(`${first.school_id},`), lines[1]);
    assert.deepEqual(problems, []);
  });

  test('the English toggle translates the answer', async () => {
    await page.click('#lang-toggle');
    assert.equal(await page.locator('#check-result .answer').textContent(), 'No');
    assert.equal(await page.locator('#lang-toggle').textContent(), '中文');
    await page.screenshot({ path: join(ARTIFACTS, 'map-en.png') });
    await page.click('#lang-toggle');
    assert.equal(await page.locator('#check-result .answer').textContent(), '不可以');
    assert.deepEqual(problems, []);
  });

  test('the guard-post toggle shows every post and its lines; a click on a post shows its schools and officer', async () => {
    // The plan is sensitive: without a token the server refuses it, and the page says what to do.
    for (const c of ['posts', 'post_links']) {
      assert.equal((await fetch(`${base}/collections/${c}/items`)).status, 401, c);
    }
    const posts = await api('/collections/posts/items?limit=10000', POLICE_TOKEN);
    const links = await api('/collections/post_links/items?limit=1', POLICE_TOKEN);
    assert.ok(posts.numberMatched > 0, 'the server planned posts');
    const hidden = await page.evaluate(() => window.__perimeter.map.getLayoutProperty('posts', 'visibility'));
    assert.equal(hidden, 'none');
    assert.equal(await page.locator('#posts-section h2').textContent(), '护学岗');
    await page.evaluate(() => sessionStorage.removeItem('perimeter.token'));
    await page.check('#posts-toggle');
    await page.waitForFunction(() => document.querySelector('#posts-count')?.textContent.includes('令牌'), null, { timeout: 30_000 });
    assert.equal(await page.locator('#posts-count').getAttribute('data-count'), '0');
    await page.uncheck('#posts-toggle');
    // Those refusals (and the browser's console line for each) were expected.
    const refused = problems.filter((p) => /\b401\b/.test(p));
    assert.ok(refused.length >= 2, refused.join('; '));
    for (let i = problems.length - 1; i >= 0; i--) if (/\b401\b/.test(problems[i])) problems.splice(i, 1);
    // With a police token (as the ledger panel keeps it for the session) the plan loads.
    await page.evaluate((t) => sessionStorage.setItem('perimeter.token', t), POLICE_TOKEN);
    await page.check('#posts-toggle');
    await page.waitForSelector('#posts-count:not([data-count="0"])', { timeout: 30_000 });
    assert.equal(Number(await page.locator('#posts-count').getAttribute('data-count')), posts.numberMatched);
    // Every post in view: the rendered posts (deduplicated across the source's internal tiles) are all of them.
    const b = posts.features.reduce((a, f) => [Math.min(a[0], f.geometry.coordinates[0]), Math.min(a[1], f.geometry.coordinates[1]), Math.max(a[2], f.geometry.coordinates[0]), Math.max(a[3], f.geometry.coordinates[1])], [180, 90, -180, -90]);
    await page.evaluate((box) => window.__perimeter.map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 40, duration: 0, maxZoom: 15 }), b);
    await waitIdle();
    const shown = await page.evaluate(async () => {
      const map = window.__perimeter.map;
      const ids = new Set(map.queryRenderedFeatures({ layers: ['posts'] }).map((f) => f.properties.id));
      const lines = (await map.getSource('post-links').getData()).features.length;
      return { posts: ids.size, lines, visible: map.getLayoutProperty('post-links', 'visibility') };
    });
    assert.deepEqual(shown, { posts: posts.numberMatched, lines: links.numberMatched, visible: 'visible' });
    await page.screenshot({ path: join(ARTIFACTS, 'posts.png') });

    // The post covering the most gates: click it.
    const post = posts.features.reduce((a, f) => (f.properties.gates > a.properties.gates ? f : a));
    const before = await page.locator('#check-result').getAttribute('data-state');
    await jumpTo(post.geometry.coordinates, 16);
    await waitIdle();
    const px = await page.evaluate((lngLat) => window.__perimeter.map.project(lngLat), post.geometry.coordinates);
    const box = await page.locator('#map canvas').boundingBox();
    await page.mouse.click(box.x + px.x, box.y + px.y);
    await page.waitForSelector('#post-details[data-post-id]');
    const p = post.properties;
    assert.equal(await page.locator('#post-details').getAttribute('data-post-id'), p.id);
    assert.equal(await page.locator('#post-details .post-officer').textContent(), `责任民警：${p.officer}`);
    assert.equal(await page.locator('#post-details .post-window').textContent(), `上学 ${p.morning} · 放学 ${p.afternoon}`);
    const listed = await page.locator('#post-details .post-schools li').evaluateAll((lis) => lis.map((li) => li.dataset.schoolId));
    assert.deepEqual(listed, p.school_ids);
    // A click on a post is not a site check.
    assert.equal(await page.locator('#check-result').getAttribute('data-state'), before);
    await page.click('#lang-toggle');
    assert.equal(await page.locator('#posts-section h2').textContent(), 'Guard posts');
    assert.equal(await page.locator('#post-details .post-officer').textContent(), `Officer: ${p.officer}`);
    await page.click('#lang-toggle');
    await page.uncheck('#posts-toggle');
    assert.equal(await page.evaluate(() => window.__perimeter.map.getLayoutProperty('posts', 'visibility')), 'none');
    assert.deepEqual(problems, []);
  });
});
