// The perimeter web map: schools and their 200 m zones, venues by category, findings as measured lines,
// drowning-risk water, and a site check on click. Query options: ?lang=en, ?basemap=URL-template
// (&basemap_attribution=…), ?api=URL (another API origin), ?school=ID (select at load), ?tiles=0
// (take venues, water and zones from the collections instead of vector tiles). Guard posts: posts.js.
import { Map as MapLibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre looks for its worker beside its own module; once bundled that is elsewhere, so name it.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import './app.css';
import { apiBase, checkSite, fetchAll, tileJson } from './api.js';
import { filterFindings, findingsCsv, findingsGeoJson, formatMetres, searchSchools } from './export.js';
import { CATEGORIES, CHECK_CATEGORIES, METHODS, SCHOOL_KINDS, WATER_KINDS, categoryLabel, categoryWhat, currentLang, label, setLang, t } from './i18n.js';
import { installLabelImages } from './labels.js';
import { initLedger } from './ledger.js';
import { installPosts } from './posts.js';
import { COLOURS, buildStyle } from './style.js';

setWorkerUrl(workerUrl);

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);
const LIST_MAX = 300;

const state = {
  base: apiBase(params),
  schools: [],
  schoolById: new Map(),
  findings: [],
  numberMatched: 0,
  filters: { category: '', township: '', rule_id: '' },
  selected: null,
  checkCategory: 'internet_cafe',
  check: null, // { state: 'running'|'done'|'error', answer?, message? }
  tiles: null,
};

const hook = { map: null, state, ready: false, error: null };
window.__perimeter = hook;

setLang(params.get('lang') ?? localStorage.getItem('perimeter.lang') ?? 'zh');

// ---------- helpers ----------

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

function bboxOf(features) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  for (const f of features) if (f.geometry) walk(f.geometry.coordinates);
  return Number.isFinite(b[0]) ? b : null;
}

/** A point for a school at low zoom: its own point, or the mean of its first outer ring's vertices. */
function schoolMark(s) {
  const g = s.geometry;
  let at = null;
  if (g?.type === 'Point') at = g.coordinates;
  else {
    const ring = g?.type === 'Polygon' ? g.coordinates[0] : g?.type === 'MultiPolygon' ? g.coordinates[0][0] : null;
    if (ring && ring.length > 1) {
      const pts = ring.slice(0, -1);
      at = [pts.reduce((a, p) => a + p[0], 0) / pts.length, pts.reduce((a, p) => a + p[1], 0) / pts.length];
    }
  }
  return at ? { type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: { id: s.properties.id, township: s.properties.township, approximate: g.type === 'Point' || !!s.properties.approximate } } : null;
}

function fitTo(box, maxZoom = 16) {
  if (!box || !hook.map) return;
  hook.map.fitBounds([[box[0], box[1]], [box[2], box[3]]], { padding: 60, maxZoom, duration: 0 });
}

function setStatus(text, isError = false) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', isError);
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---------- derived data ----------

/** Findings passing the category/township/rule filters (the map shows these). */
const mapFindings = () => filterFindings(state.findings, state.filters);

/** Findings listed in the sidebar and downloaded: the map's, narrowed to the selected school. */
const listedFindings = () => filterFindings(state.findings, { ...state.filters, school_id: state.selected ?? '' });

// ---------- rendering ----------

function renderStatic() {
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll('[data-i18n-placeholder]')) e.placeholder = t(e.dataset.i18nPlaceholder);
  $('lang-toggle').textContent = t('lang_button');
  document.title = `${t('title')} · perimeter`;
}

function fillSelect(select, options, value) {
  select.replaceChildren(el('option', { value: '' }, t('filter_all')), ...options.map(([v, text]) => el('option', { value: v }, text)));
  select.value = options.some(([v]) => v === value) ? value : '';
}

function renderFilterOptions() {
  const distinct = (key) => [...new Set(state.findings.map((f) => f.properties[key]).filter((v) => v !== null && v !== undefined && v !== ''))].sort();
  const townships = [...new Set([...state.schools.map((s) => s.properties.township), ...distinct('township')].filter(Boolean))].sort((a, b) => a.localeCompare(b, 'zh'));
  const categories = [...new Set([...Object.keys(CATEGORIES).filter((c) => c !== 'other'), ...distinct('category')])];
  fillSelect($('filter-category'), categories.map((c) => [c, categoryLabel(c)]), state.filters.category);
  fillSelect($('filter-township'), townships.map((v) => [v, v]), state.filters.township);
  fillSelect($('filter-rule'), distinct('rule_id').map((v) => [v, v]), state.filters.rule_id);
  const check = $('check-category');
  check.replaceChildren(...CHECK_CATEGORIES.map((c) => el('option', { value: c }, `${label(CATEGORIES, c)} · ${c}`)));
  check.value = state.checkCategory;
}

function findingItem(f) {
  const p = f.properties;
  const kindLabel = p.feature_type === 'water' ? label(WATER_KINDS, p.category) : label(CATEGORIES, p.category);
  return el(
    'li',
    { class: 'finding', dataset: { schoolId: p.school_id, featureId: p.feature_id }, onclick: () => fitTo(bboxOf([f]), 17) },
    el('div', { class: 'finding-head' }, el('span', { class: 'dot', style: `background:${p.feature_type === 'water' ? COLOURS.waterRisk : (CATEGORIES[p.category]?.colour ?? CATEGORIES.other.colour)}` }), el('b', {}, p.feature_name || p.feature_id), el('span', { class: 'distance' }, formatMetres(p.distance_m))),
    el('div', { class: 'finding-meta' }, `${kindLabel} · ${state.selected ? '' : `${p.school_name} · `}${t('rule')} ${p.rule_id} (≤ ${p.limit_m} m) · ${label(METHODS, p.method)}`, p.approximate ? el('span', { class: 'approx' }, ` · ${t('approximate')}`) : null),
    el('details', {}, el('summary', {}, t('legal_basis')), el('p', { class: 'basis' }, p.legal_basis)),
  );
}

function renderFindings() {
  const listed = listedFindings();
  const count = $('findings-count');
  count.dataset.count = String(listed.length);
  count.dataset.total = String(state.numberMatched);
  const school = state.selected ? state.schoolById.get(state.selected) : null;
  count.textContent = school ? t('findings_of_school', { name: school.properties.name, count: listed.length }) : t('findings_count', { count: listed.length });
  $('show-all').hidden = !school;
  const list = $('findings-list');
  list.replaceChildren(...listed.slice(0, LIST_MAX).map(findingItem));
  if (listed.length === 0) list.append(el('li', { class: 'empty' }, t('findings_none')));
  const more = $('findings-more');
  more.hidden = listed.length <= LIST_MAX;
  more.textContent = t('findings_more', { count: listed.length - LIST_MAX });
}

function renderSearch() {
  const q = $('school-search').value;
  const hits = searchSchools(state.schools, q);
  const ul = $('search-results');
  ul.replaceChildren(
    ...hits.map((s) =>
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            dataset: { schoolId: s.properties.id },
            onclick: () => {
              $('school-search').value = s.properties.name;
              $('search-results').replaceChildren();
              selectSchool(s.properties.id, true);
            },
          },
          el('b', {}, s.properties.name),
          ` ${label(SCHOOL_KINDS, s.properties.kind)}${s.properties.township ? ` · ${s.properties.township}` : ''}`,
        ),
      ),
    ),
  );
  if (q.trim() && hits.length === 0) ul.append(el('li', { class: 'empty' }, t('search_none')));
}

function renderCheck() {
  const box = $('check-result');
  const c = state.check;
  box.replaceChildren();
  if (!c) {
    box.dataset.state = 'idle';
    return;
  }
  if (c.state === 'running') {
    box.dataset.state = 'running';
    box.append(el('p', {}, t('check_running')));
    return;
  }
  if (c.state === 'error') {
    box.dataset.state = 'error';
    box.append(el('p', { class: 'error' }, t('check_failed', { message: c.message })));
    return;
  }
  const a = c.answer;
  box.dataset.state = a.allowed ? 'allowed' : 'refused';
  box.append(
    el('p', { class: 'question' }, t('check_question', { what: categoryWhat(a.category) })),
    el('p', { class: `answer ${a.allowed ? 'yes' : 'no'}` }, a.allowed ? t('check_yes') : t('check_no')),
    el('p', { class: 'coords' }, `${Number(a.lon).toFixed(6)}, ${Number(a.lat).toFixed(6)}`),
  );
  if (!a.allowed) {
    box.append(el('p', {}, t('check_no_reason')));
    box.append(
      el(
        'ul',
        { class: 'breaches' },
        a.breaches.map((b) =>
          el(
            'li',
            { class: 'breach', dataset: { schoolId: b.school_id, ruleId: b.rule_id } },
            el('div', {}, el('b', {}, b.school_name), ` (${label(SCHOOL_KINDS, b.school_kind)}) `, el('span', { class: 'distance' }, formatMetres(b.distance_m)), ` ≤ ${b.limit_m} m`),
            el('div', { class: 'finding-meta' }, `${t('rule')} ${b.rule_id} · ${label(METHODS, b.method)}`, b.approximate ? ` · ${t('approximate')}` : ''),
            el('details', {}, el('summary', {}, t('legal_basis')), el('p', { class: 'basis' }, b.legal_basis)),
          ),
        ),
      ),
    );
  } else {
    box.append(el('p', {}, a.unregulated ? t('check_unregulated') : t('check_yes_reason')));
    const n = a.nearest_school;
    if (n) box.append(el('p', { class: 'nearest', dataset: { schoolId: n.school_id } }, t('check_nearest', { name: n.school_name, distance: formatMetres(n.distance_m) })));
    else if (!a.unregulated) box.append(el('p', {}, t('check_none_near')));
  }
  box.append(el('button', { type: 'button', class: 'link', onclick: clearCheck }, t('check_clear')));
}

function legendRow(swatch, text) {
  return el('li', {}, swatch, el('span', {}, text));
}

function renderLegend() {
  const sw = (style) => el('span', { class: 'swatch', style });
  const dot = (style) => el('span', { class: 'swatch round', style });
  const rows = [
    legendRow(sw(`background:${COLOURS.school}59;border:1.5px solid ${COLOURS.school}`), t('legend_school')),
    legendRow(dot(`background:#fff;border:2.5px solid ${COLOURS.schoolPoint}`), t('legend_school_point')),
    legendRow(sw(`background:${COLOURS.zone}14;border:1px dashed ${COLOURS.zone}`), t('legend_zone')),
    legendRow(sw(`height:3px;background:${COLOURS.finding}`), t('legend_finding')),
    legendRow(sw(`background:${COLOURS.water}`), t('legend_water')),
    legendRow(sw(`background:${COLOURS.waterRisk}`), t('legend_water_risk')),
    legendRow(sw(`height:0;border-top:2.5px dashed ${COLOURS.check}`), t('legend_check')),
    ...Object.entries(CATEGORIES).map(([k, v]) => legendRow(dot(`background:${v.colour}`), label(CATEGORIES, k))),
  ];
  const open = $('legend').querySelector('details')?.open ?? true;
  const details = el('details', {}, el('summary', {}, t('legend_title')), el('ul', {}, rows));
  details.open = open;
  $('legend').replaceChildren(details);
}

function renderAll() {
  renderStatic();
  renderFilterOptions();
  renderFindings();
  renderSearch();
  renderCheck();
  renderLegend();
}

// ---------- map state ----------

function applyMapFilters() {
  const map = hook.map;
  if (!map || !map.getSource('findings')) return;
  const shown = mapFindings();
  map.getSource('findings').setData({
    type: 'FeatureCollection',
    features: shown.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: { ...f.properties, label: formatMetres(f.properties.distance_m) } })),
  });
  const ids = (type) => ['literal', [...new Set(shown.filter((f) => f.properties.feature_type === type).map((f) => f.properties.feature_id)), '']];
  map.setFilter('water-risk-fill', ['all', ['==', ['geometry-type'], 'Polygon'], ['in', ['get', 'id'], ids('water')]]);
  map.setFilter('water-risk-line', ['in', ['get', 'id'], ids('water')]);
  map.setFilter('venues-finding', ['in', ['get', 'id'], ids('venue')]);
  const { category, township } = state.filters;
  map.setFilter('venues', category ? ['==', ['get', 'category'], category] : null);
  const isPoint = ['==', ['geometry-type'], 'Point'];
  const inTownship = township ? ['==', ['get', 'township'], township] : true;
  map.setFilter('schools-fill', ['all', ['!', isPoint], inTownship]);
  map.setFilter('schools-line', ['all', ['!', isPoint], inTownship]);
  map.setFilter('schools-point', ['all', isPoint, inTownship]);
  map.setFilter('school-marks', township ? inTownship : null);
  const townshipSchools = township ? ['literal', [...state.schools.filter((s) => s.properties.township === township).map((s) => s.properties.id), '']] : null;
  const bufferFilter = townshipSchools ? ['in', ['get', 'school_id'], townshipSchools] : null;
  map.setFilter('buffers-fill', bufferFilter);
  map.setFilter('buffers-line', bufferFilter);
  map.setFilter('schools-selected', ['==', ['get', 'id'], state.selected ?? '']);
}

function selectSchool(id, fly) {
  state.selected = id && state.schoolById.has(id) ? id : null;
  renderFindings();
  applyMapFilters();
  if (fly && state.selected) fitTo(bboxOf([state.schoolById.get(state.selected)]), 16);
}

function clearCheck() {
  state.check = null;
  renderCheck();
  for (const id of ['check', 'check-labels', 'check-site']) hook.map?.getSource(id)?.setData({ type: 'FeatureCollection', features: [] });
}

/**
 * The distance label of a site-check line: a point at the line's middle, anchored so that the label sits
 * beside the line (above a mostly east-west line, right of a mostly north-south one), not on it.
 */
function breachLabel(b) {
  const [[x0, y0], [x1, y1]] = b.line;
  const dx = (x1 - x0) * Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  const dy = y1 - y0;
  const flat = Math.abs(dx) >= Math.abs(dy);
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [(x0 + x1) / 2, (y0 + y1) / 2] },
    properties: { label: formatMetres(b.distance_m), anchor: flat ? 'bottom' : 'left', offset: flat ? [0, -4] : [6, 0] },
  };
}

let checkAbort = null;
async function runCheck(lngLat) {
  checkAbort?.abort();
  const abort = new AbortController();
  checkAbort = abort;
  const map = hook.map;
  state.check = { state: 'running' };
  renderCheck();
  map.getSource('check').setData({ type: 'FeatureCollection', features: [] });
  map.getSource('check-labels').setData({ type: 'FeatureCollection', features: [] });
  map.getSource('check-site').setData({ type: 'Feature', geometry: { type: 'Point', coordinates: [lngLat.lng, lngLat.lat] }, properties: { allowed: true } });
  try {
    const answer = await checkSite(state.base, lngLat.lng, lngLat.lat, state.checkCategory, { signal: abort.signal });
    state.check = { state: 'done', answer };
    map.getSource('check').setData({
      type: 'FeatureCollection',
      features: answer.breaches.map((b) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: b.line }, properties: { school_id: b.school_id } })),
    });
    map.getSource('check-labels').setData({ type: 'FeatureCollection', features: answer.breaches.map(breachLabel) });
    map.getSource('check-site').setData({ type: 'Feature', geometry: { type: 'Point', coordinates: [answer.lon, answer.lat] }, properties: { allowed: answer.allowed } });
  } catch (e) {
    if (abort.signal.aborted) return;
    state.check = { state: 'error', message: e.message };
    console.warn('site check failed:', e.message);
  }
  renderCheck();
}

// ---------- start ----------

async function loadData() {
  setStatus(t('loading'));
  const [schools, findings, tiles] = await Promise.all([
    fetchAll(state.base, 'schools'),
    fetchAll(state.base, 'findings'),
    params.get('tiles') === '0' ? null : tileJson(state.base, ['buffers', 'water', 'venues']),
  ]);
  state.schools = schools.features;
  state.schoolById = new Map(state.schools.map((s) => [s.properties.id, s]));
  state.findings = findings.features;
  state.numberMatched = findings.numberMatched;
  state.tiles = tiles;
  return tiles;
}

async function loadGeoJsonLayers(map) {
  const [buffers, water, venues] = await Promise.all(['buffers', 'water', 'venues'].map((c) => fetchAll(state.base, c)));
  map.getSource('buffers').setData({ type: 'FeatureCollection', features: buffers.features });
  map.getSource('water').setData({ type: 'FeatureCollection', features: water.features });
  map.getSource('venues').setData({ type: 'FeatureCollection', features: venues.features });
}

function wireUi() {
  $('lang-toggle').addEventListener('click', () => {
    setLang(currentLang() === 'zh' ? 'en' : 'zh');
    localStorage.setItem('perimeter.lang', currentLang());
    renderAll();
  });
  $('check-category').addEventListener('change', (e) => {
    state.checkCategory = e.target.value;
  });
  for (const [id, key] of [
    ['filter-category', 'category'],
    ['filter-township', 'township'],
    ['filter-rule', 'rule_id'],
  ]) {
    $(id).addEventListener('change', (e) => {
      state.filters[key] = e.target.value;
      renderFindings();
      applyMapFilters();
    });
  }
  $('school-search').addEventListener('input', renderSearch);
  $('school-search').addEventListener('keydown', (e) => {
    if (e.key !== 'Enter') return;
    const first = searchSchools(state.schools, e.target.value, 1)[0];
    if (first) selectSchool(first.properties.id, true);
  });
  $('show-all').addEventListener('click', () => selectSchool(null, false));
  const fileBase = () => (state.selected ? `findings-${state.selected}` : 'findings');
  $('download-geojson').addEventListener('click', () => download(`${fileBase()}.geojson`, findingsGeoJson(listedFindings()), 'application/geo+json'));
  $('download-csv').addEventListener('click', () => download(`${fileBase()}.csv`, findingsCsv(listedFindings()), 'text/csv;charset=utf-8'));
}

async function main() {
  renderAll();
  wireUi();
  const tiles = await loadData();
  const basemap = params.get('basemap');
  const box = bboxOf(state.schools.length ? state.schools : state.findings);
  const map = new MapLibreMap({
    container: 'map',
    style: buildStyle({ tiles, basemap, basemapAttribution: params.get('basemap_attribution') }),
    ...(box ? { bounds: [[box[0], box[1]], [box[2], box[3]]], fitBoundsOptions: { padding: 60, maxZoom: 15 } } : { center: [0, 0], zoom: 1 }),
    attributionControl: basemap ? { compact: true } : false,
    preserveDrawingBuffer: params.has('test'),
  });
  hook.map = map;
  installLabelImages(map);
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.on('error', (e) => {
    console.error('map error:', e.error?.message ?? e);
    if (!hook.ready) hook.error = e.error?.message ?? 'map error';
    setStatus(t('load_failed', { message: e.error?.message ?? 'map' }), true);
  });
  await new Promise((resolve) => map.once('load', resolve));
  map.getSource('schools').setData({ type: 'FeatureCollection', features: state.schools });
  map.getSource('school-marks').setData({ type: 'FeatureCollection', features: state.schools.map(schoolMark).filter(Boolean) });
  if (!tiles) await loadGeoJsonLayers(map);
  hook.ledger = initLedger(map, state.base);
  renderAll();
  applyMapFilters();
  if (params.get('school')) selectSchool(params.get('school'), true);
  const posts = installPosts(map, { base: state.base, after: $('check-section') });
  hook.posts = posts;
  $('lang-toggle').addEventListener('click', () => posts.render());
  map.on('click', (e) => {
    if (posts.click(e)) return;
    const hit = map.queryRenderedFeatures(e.point, { layers: ['schools-fill', 'schools-point'] })[0];
    if (hit) selectSchool(hit.properties.id, false);
    runCheck(e.lngLat);
  });
  for (const layer of ['schools-fill', 'schools-point', 'findings']) {
    map.on('mouseenter', layer, () => (map.getCanvas().style.cursor = 'pointer'));
    map.on('mouseleave', layer, () => (map.getCanvas().style.cursor = ''));
  }
  setStatus('');
  await new Promise((resolve) => map.once('idle', resolve));
  hook.ready = true;
}

main().catch((e) => {
  hook.error = e.message;
  setStatus(t('load_failed', { message: e.message }), true);
  console.error('perimeter map failed to start:', e);
});
