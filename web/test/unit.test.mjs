// Unit tests of the page's pure helpers (CSV/GeoJSON export, filters, search, dictionary) and of the
// mock server's geometry. Run: node --test test/unit.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filterFindings, findingsCsv, findingsGeoJson, formatMetres, searchSchools } from '../src/export.js';
import { KEYS } from '../src/i18n.js';
import { listOf, postDetails } from '../src/posts.js';
import { distanceToSchool, siteOutside, zoneAround } from './geo.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const json = (...p) => JSON.parse(readFileSync(join(here, ...p), 'utf8'));

const finding = (props, line) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: line }, properties: props });
const A = finding(
  {
    school_id: 'S01', school_name: '城关镇第一小学', school_kind: 'primary', township: '城关镇', feature_type: 'venue',
    feature_id: 'V02', feature_name: '星际网吧', category: 'internet_cafe', rule_id: 'internet_cafe_200', method: 'boundary',
    limit_m: 200, distance_m: 199.95, legal_basis: '第九条：200米', approximate: false,
  },
  [[112.401399010865, 33.499752052108], [112.4035275541, 33.4994878168]],
);
const B = finding(
  {
    school_id: 'S04', school_name: '白河乡中心小学', school_kind: 'primary', township: '白河乡', feature_type: 'venue',
    feature_id: 'V06', feature_name: '好声音"KTV", 二店', category: 'ktv', rule_id: 'entertainment_200', method: 'boundary',
    limit_m: 200, distance_m: 150, legal_basis: 'line one\nline two', approximate: true,
  },
  [[112.4, 33.52], [112.4016, 33.52]],
);

test('CSV: BOM, the command line columns, 2-decimal distances, 7-decimal ends, RFC 4180 quoting', () => {
  // Written by hand from the rules: BOM; LF line ends; quote fields holding , " or a line break, doubling quotes.
  const expected =
    '\uFEFF' +
    'school_id,school_name,school_kind,township,feature_type,feature_id,feature_name,category,rule_id,method,limit_m,distance_m,legal_basis,approximate,from_lon,from_lat,to_lon,to_lat\n' +
    'S01,城关镇第一小学,primary,城关镇,venue,V02,星际网吧,internet_cafe,internet_cafe_200,boundary,200,199.95,第九条：200米,false,112.4013990,33.4997521,112.4035276,33.4994878\n' +
    'S04,白河乡中心小学,primary,白河乡,venue,V06,"好声音""KTV"", 二店",ktv,entertainment_200,boundary,200,150.00,"line one\nline two",true,112.4000000,33.5200000,112.4016000,33.5200000\n';
  assert.equal(findingsCsv([A, B]), expected);
  assert.equal(findingsCsv([]), expected.split('\n')[0] + '\n');
});

test('GeoJSON export keeps geometry and properties only', () => {
  const fc = JSON.parse(findingsGeoJson([{ ...A, id: 7, extra: 1 }]));
  assert.deepEqual(fc, { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: A.geometry, properties: A.properties }] });
});

test('distances are written with two decimals and metres', () => {
  assert.equal(formatMetres(50), '50.00 m');
  assert.equal(formatMetres(199.949999), '199.95 m');
  assert.equal(formatMetres(0), '0.00 m');
});

test('filters combine; empty means any', () => {
  assert.deepEqual(filterFindings([A, B], {}), [A, B]);
  assert.deepEqual(filterFindings([A, B], { category: 'ktv' }), [B]);
  assert.deepEqual(filterFindings([A, B], { township: '城关镇', rule_id: 'internet_cafe_200' }), [A]);
  assert.deepEqual(filterFindings([A, B], { township: '城关镇', category: 'ktv' }), []);
  assert.deepEqual(filterFindings([A, B], { school_id: 'S04' }), [B]);
});

test('school search matches every term of the name, or the exact id', () => {
  const schools = json('fixtures', 'schools.geojson').features;
  const ids = (q) => searchSchools(schools, q).map((s) => s.properties.id);
  assert.deepEqual(ids('城关镇'), ['S01', 'S02', 'S05', 'S08']);
  assert.deepEqual(ids('城关镇 小学'), ['S01']);
  assert.deepEqual(ids('s07'), ['S07']);
  assert.deepEqual(ids('   '), []);
  assert.deepEqual(ids('大学'), []);
});

test('the dictionary has the same keys in Chinese and English', () => {
  assert.deepEqual([...KEYS.en].sort(), [...KEYS.zh].sort());
});

test("the mock's distances agree with the geodesic oracle to 1 mm", () => {
  // expected.json: Karney geodesics (geographiclib), every boundary pair of a school and a point venue.
  const expected = json('..', '..', 'tests', 'data', 'scan', 'expected.json');
  const schools = new Map(json('fixtures', 'schools.geojson').features.map((f) => [f.properties.id, f]));
  const venues = new Map(json('fixtures', 'venues.geojson').features.map((f) => [f.properties.id, f]));
  let n = 0;
  for (const p of expected.pairs) {
    const v = venues.get(p.feature_id);
    if (p.method !== 'boundary' || !v || v.geometry.type !== 'Point') continue;
    const d = distanceToSchool(v.geometry.coordinates, schools.get(p.school_id).geometry).metres;
    assert.ok(Math.abs(d - p.distance_m) < 1e-3, `${p.school_id}/${p.feature_id}: ${d} vs ${p.distance_m}`);
    n++;
  }
  assert.equal(n, 10);
});

test('the site the browser test clicks is 50 m outside S01 (oracle: 50.000813 m)', () => {
  // Oracle: tests/data/scan/geodesic_oracle.py measure(area_shape(S01), point_shape(site)) = 50.00081253853671 m.
  const s01 = json('fixtures', 'schools.geojson').features[0];
  const site = siteOutside(s01.geometry, 50);
  assert.ok(Math.abs(distanceToSchool(site, s01.geometry).metres - 50.000813) < 1e-3);
});

test('the display zone of a convex campus lies 200 m from it, within the sampling of its circles', () => {
  // Each zone vertex is on a 200 m circle around a campus vertex, sampled every 360/48 degrees: a sample
  // next to an edge's normal is at least 200 cos(pi/48) = 199.572 m from that edge, and at most 200 m
  // (give or take 5 mm: the zone and the distance are computed in local frames centred 300 m apart).
  const s01 = json('fixtures', 'schools.geojson').features[0];
  const zone = zoneAround(s01.geometry, 200, 48);
  const low = 200 * Math.cos(Math.PI / 48);
  assert.ok(zone.coordinates[0].length > 8);
  for (const v of zone.coordinates[0]) {
    const d = distanceToSchool(v, s01.geometry).metres;
    assert.ok(d > low - 5e-3 && d < 200 + 5e-3, `zone vertex ${v} at ${d} m`);
  }
});

test('ledger panel helpers: the workflow table, filters and status colours', async () => {
  const { NEXT, STATUS_COLOURS, changeBody, filterProblems, statusColourExpression } = await import('../src/ledger.js');
  assert.deepEqual(changeBody({ status: 'rectifying', note: '  ', unit: ' 文广旅局 ', deadline: '2026-12-31' }), { status: 'rectifying', unit: '文广旅局', deadline: '2026-12-31' });
  assert.deepEqual(changeBody({ status: 'disputed', note: '已注销' }), { status: 'disputed', note: '已注销' });
  // The same table as src/ledger/workflow.rs.
  assert.deepEqual(NEXT, {
    open: ['rectifying', 'disputed'],
    rectifying: ['rectified', 'disputed'],
    rectified: ['verified', 'rectifying'],
    disputed: ['open', 'verified'],
    verified: [],
  });
  const f = (id, status, township, overdue) => ({ properties: { id, status, township, overdue } });
  const all = [f(1, 'open', '城关镇', false), f(2, 'rectifying', '城关镇', true), f(3, 'open', '白河乡', false), f(4, 'verified', '白河乡', false)];
  const ids = (xs) => xs.map((x) => x.properties.id);
  assert.deepEqual(ids(filterProblems(all)), [1, 2, 3, 4]);
  assert.deepEqual(ids(filterProblems(all, { status: 'open' })), [1, 3]);
  assert.deepEqual(ids(filterProblems(all, { township: '白河乡' })), [3, 4]);
  assert.deepEqual(ids(filterProblems(all, { overdue: true })), [2]);
  assert.deepEqual(ids(filterProblems(all, { status: 'open', township: '城关镇', overdue: true })), []);
  const expr = statusColourExpression();
  assert.equal(expr.length, 3 + 2 * Object.keys(STATUS_COLOURS).length);
  assert.equal(expr[expr.indexOf('verified') + 1], '#2e7d32');
  assert.equal(expr.at(-1), '#757575');
});

// ---------- guard posts ----------

test('postDetails: schools with their covered gates from GeoJSON items (arrays)', () => {
  const posts = json('fixtures', 'posts.geojson').features;
  const links = json('fixtures', 'post_links.geojson').features;
  assert.deepEqual(postDetails(posts[0], links), {
    id: 'P001',
    kind: 'gate',
    fixed: false,
    officer: 'O001',
    morning: '07:20-08:00',
    afternoon: '16:00-16:50',
    gates: 2,
    covered_weight: 800,
    schools: [
      {
        id: 'S01',
        name: '城关镇第一小学',
        gates: [
          { gate: 'S01-G1', approximate: false, distance_m: 0 },
          { gate: 'S01-G2', approximate: false, distance_m: 250.45 },
        ],
      },
    ],
  });
  // A school without gates: its point stands in, no gate name.
  assert.deepEqual(postDetails(posts[3], links).schools[0].gates, [{ gate: null, approximate: true, distance_m: 0 }]);
});

test('postDetails: vector-tile properties (joined strings); a responsible school without links', () => {
  const post = { id: 'P9', kind: 'user', fixed: true, officer: 'O007', morning: '07:50-08:30', afternoon: '16:30-17:20', gates: 1, covered_weight: 200.5, schools: '甲小学、乙幼儿园', school_ids: 'S1,S2' };
  const links = [{ properties: { post: 'P9', school_id: 'S1', gate: '北门', approximate: false, distance_m: 120.25 } }, { properties: { post: 'P8', school_id: 'S2', gate: 'x', distance_m: 1 } }];
  const d = postDetails({ properties: post }, links);
  assert.deepEqual(d.schools, [
    { id: 'S1', name: '甲小学', gates: [{ gate: '北门', approximate: false, distance_m: 120.25 }] },
    { id: 'S2', name: '乙幼儿园', gates: [] },
  ]);
  assert.equal(d.fixed, true);
  assert.deepEqual(listOf('', ','), []);
  assert.deepEqual(listOf(null), []);
  assert.deepEqual(listOf(['a', 'b']), ['a', 'b']);
});

test('mock guard posts: counts, weights and distances agree with the links', () => {
  const posts = json('fixtures', 'posts.geojson').features;
  const links = json('fixtures', 'post_links.geojson').features;
  assert.equal(posts.length, 4);
  assert.equal(links.length, 5);
  for (const p of posts) {
    const mine = links.filter((l) => l.properties.post === p.id);
    assert.equal(p.properties.gates, mine.length, p.id);
    assert.equal(p.properties.covered_weight, mine.reduce((a, l) => a + l.properties.weight, 0), p.id);
    for (const l of mine) {
      assert.deepEqual(l.geometry.coordinates[0], p.geometry.coordinates, l.id);
      const local = distanceToSchool(l.geometry.coordinates[0], { type: 'Point', coordinates: l.geometry.coordinates[1] }).metres;
      assert.ok(Math.abs(local - l.properties.distance_m) < 0.5, `${l.id}: ${local} vs ${l.properties.distance_m}`);
    }
  }
});
