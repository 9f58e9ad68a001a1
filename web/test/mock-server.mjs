// A stand-in for `perimeter serve` with the same routes, answering from the fixtures in test/fixtures/
// (derived from tests/data/scan), and serving the built page (web/dist) under /map/.
//
//   node test/mock-server.mjs [--port 8081 | --listen 127.0.0.1:8081] [--data DIR]
//
// PORT works too (0 picks a free port). --data DIR (or PERIMETER_MOCK_DATA) answers from DIR/schools.geojson,
// venues.geojson, water.geojson and findings.geojson instead, e.g. a county made by `perimeter gen` and
// scanned by `perimeter scan` (WGS84 GeoJSON), to try the page at scale; the rules stay the fixtures'.
// Guard posts (`posts`, `post_links`): fixtures/posts.geojson and post_links.geojson, a small plan written
// by hand in the server's shape (four posts at the fixture schools' gates and a police box, distances by
// pyproj.Geod), or DIR/posts.geojson and DIR/post_links.geojson when given (else empty).
//
// Distances of /check are measured in a local metric frame (test/geo.mjs), not on the ellipsoid:
// the real server is the reference; the mock only has to answer in the same shape.
import { createServer } from 'node:http';
import { readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GeoJSONVT } from '@maplibre/geojson-vt';
import { fromGeojsonVt } from '@maplibre/vt-pbf';
import { bboxOf, distanceToSchool, zoneAround } from './geo.mjs';
import { LedgerError, mockLedger, postsAllowed } from './mock-ledger.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '..', 'dist');
const fixture = (name) => JSON.parse(readFileSync(join(here, 'fixtures', name), 'utf8'));
const argValue = (flag) => {
  const i = process.argv.indexOf(flag);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const DATA_DIR = argValue('--data') ?? process.env.PERIMETER_MOCK_DATA;
const layerFile = (name) => (DATA_DIR ? JSON.parse(readFileSync(join(DATA_DIR, name), 'utf8')) : fixture(name));

const LAYERS = ['schools', 'venues', 'water', 'findings', 'buffers', 'posts', 'post_links'];
const postsFile = (name) => (!DATA_DIR ? fixture(name) : existsSync(join(DATA_DIR, name)) ? layerFile(name) : { features: [] });
const NEAREST_SEARCH_M = 5000;
const TILE_MAX_ZOOM = 16;

/** Loads the fixtures and builds what every route answers from. */
function loadData() {
  const rules = fixture('rules.json');
  const collections = {
    schools: layerFile('schools.geojson').features,
    venues: layerFile('venues.geojson').features,
    water: layerFile('water.geojson').features,
    findings: layerFile('findings.geojson').features,
    posts: postsFile('posts.geojson').features,
    post_links: postsFile('post_links.geojson').features,
  };
  for (const s of collections.schools) s.properties.approximate ??= s.geometry.type === 'Point';
  const coveredLimit = (kind) => Math.max(0, ...rules.rules.filter((r) => r.schools.includes(kind)).map((r) => r.limit_m));
  collections.buffers = collections.schools
    .filter((s) => coveredLimit(s.properties.kind) > 0)
    .map((s) => {
      const limit = coveredLimit(s.properties.kind);
      return {
        type: 'Feature',
        geometry: zoneAround(s.geometry, limit),
        properties: { school_id: s.properties.id, limit_m: limit },
      };
    });
  for (const features of Object.values(collections)) for (const f of features) f.bbox = bboxOf(f.geometry);
  const tiles = {};
  for (const name of LAYERS) {
    tiles[name] = new GeoJSONVT(
      { type: 'FeatureCollection', features: collections[name].map(({ bbox, ...f }) => f) },
      { maxZoom: TILE_MAX_ZOOM, indexMaxZoom: 4, buffer: 64, tolerance: 2 },
    );
  }
  return { rules, collections, tiles };
}

const data = loadData();
const ledger = mockLedger(data.collections.findings);

class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}
const bad = (message) => new HttpError(400, 'bad_request', message);

function sendJson(res, status, value, type = 'application/json') {
  const body = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, 'access-control-allow-origin': '*' });
  res.end(body);
}

function parseBbox(text) {
  const v = text.split(',').map(Number);
  if (v.length !== 4 || v.some((x) => !Number.isFinite(x)) || v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90) {
    throw bad(`bbox must be minlon,minlat,maxlon,maxlat in degrees, got '${text}'`);
  }
  return v;
}

function parseInt0(text, name, max) {
  if (!/^\d+$/.test(text)) throw bad(`${name} must be a non-negative integer, got '${text}'`);
  const n = Number(text);
  if (n > max) throw bad(`${name} must be at most ${max}, got ${n}`);
  return n;
}

/** Property filters per collection: query name → property name. */
const FILTERS = {
  schools: { township: 'township', school_id: 'id', kind: 'kind' },
  venues: { category: 'category' },
  water: { kind: 'kind' },
  findings: { category: 'category', school_id: 'school_id', township: 'township', rule_id: 'rule_id', kind: 'feature_type' },
  buffers: { school_id: 'school_id' },
  posts: {},
  post_links: { school_id: 'school_id' },
};

function items(url, name) {
  const q = url.searchParams;
  const limit = q.has('limit') ? parseInt0(q.get('limit'), 'limit', 10000) : 100;
  const offset = q.has('offset') ? parseInt0(q.get('offset'), 'offset', Number.MAX_SAFE_INTEGER) : 0;
  const bbox = q.has('bbox') ? parseBbox(q.get('bbox')) : null;
  let features = data.collections[name];
  if (bbox) features = features.filter((f) => f.bbox[0] <= bbox[2] && f.bbox[2] >= bbox[0] && f.bbox[1] <= bbox[3] && f.bbox[3] >= bbox[1]);
  for (const [param, prop] of Object.entries(FILTERS[name])) {
    if (q.has(param)) features = features.filter((f) => String(f.properties[prop]) === q.get(param));
  }
  const page = features.slice(offset, offset + limit).map(({ bbox: _b, ...f }) => f);
  const links = [];
  const self = (off) => {
    const u = new URL(url);
    u.searchParams.set('offset', String(off));
    u.searchParams.set('limit', String(limit));
    return u.pathname + u.search;
  };
  if (offset + limit < features.length) links.push({ rel: 'next', type: 'application/geo+json', href: self(offset + limit) });
  if (offset > 0) links.push({ rel: 'prev', type: 'application/geo+json', href: self(Math.max(0, offset - limit)) });
  return {
    type: 'FeatureCollection',
    numberMatched: features.length,
    numberReturned: page.length,
    timeStamp: '2026-01-01T00:00:00Z',
    links,
    features: page,
  };
}

function check(url) {
  const q = url.searchParams;
  const lon = Number(q.get('lon'));
  const lat = Number(q.get('lat'));
  if (!q.has('lon') || !q.has('lat') || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    throw bad('lon and lat are required, in degrees (WGS84)');
  }
  const category = q.get('category');
  const known = ['internet_cafe', 'ktv', 'game_hall', 'lottery', 'tobacco', 'hazardous', 'bar', 'other'];
  if (!known.includes(category)) throw bad(`unknown category '${category}'; expected one of ${known.join(', ')}`);
  const site = [lon, lat];
  const rules = data.rules.rules.filter((r) => r.feature === 'venue' && r.categories.includes(category));
  const round = (m) => Math.round(m * 100) / 100;
  const breaches = [];
  let nearest = null;
  for (const school of data.collections.schools) {
    const s = school.properties;
    const d = distanceToSchool(site, school.geometry);
    if (s.kind !== 'not-covered' && d.metres <= NEAREST_SEARCH_M && (!nearest || d.metres < nearest.metres)) {
      nearest = { school: s, metres: d.metres };
    }
    for (const r of rules) {
      if (r.schools.includes(s.kind) && d.metres <= r.limit_m) {
        breaches.push({
          school_id: s.id,
          school_name: s.name,
          school_kind: s.kind,
          rule_id: r.id,
          method: r.method,
          limit_m: r.limit_m,
          distance_m: round(d.metres),
          legal_basis: r.legal_basis,
          approximate: s.approximate,
          line: [d.from, site],
        });
      }
    }
  }
  breaches.sort((a, b) => a.distance_m - b.distance_m);
  return {
    lon,
    lat,
    category,
    rules: data.rules.id,
    allowed: breaches.length === 0,
    unregulated: rules.length === 0,
    breaches,
    nearest_school: nearest ? { school_id: nearest.school.id, school_name: nearest.school.name, distance_m: round(nearest.metres) } : null,
  };
}

function tile(res, layers, z, x, y) {
  const layerMap = {};
  for (const name of layers) {
    const t = z <= TILE_MAX_ZOOM ? data.tiles[name].getTile(z, x, y) : null;
    if (t && t.features.length > 0) layerMap[name] = t;
  }
  if (Object.keys(layerMap).length === 0) {
    res.writeHead(204, { 'access-control-allow-origin': '*' });
    res.end();
    return;
  }
  const body = Buffer.from(fromGeojsonVt(layerMap, { version: 2, extent: 4096 }));
  res.writeHead(200, { 'content-type': 'application/vnd.mapbox-vector-tile', 'content-length': body.length, 'access-control-allow-origin': '*' });
  res.end(body);
}

function tileJson(req, layers) {
  const all = layers.flatMap((n) => data.collections[n]);
  const b = all.reduce((a, f) => [Math.min(a[0], f.bbox[0]), Math.min(a[1], f.bbox[1]), Math.max(a[2], f.bbox[2]), Math.max(a[3], f.bbox[3])], [180, 90, -180, -90]);
  const origin = `http://${req.headers.host}`;
  return {
    tilejson: '3.0.0',
    name: layers.join(','),
    tiles: [`${origin}/tiles/${layers.join(',')}/{z}/{x}/{y}`],
    minzoom: 0,
    maxzoom: TILE_MAX_ZOOM,
    bounds: b,
    vector_layers: layers.map((id) => ({ id, fields: {} })),
  };
}

const MIME = { '.mjs': 'text/javascript', '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json' };

function serveStatic(res, rel) {
  const path = normalize(join(DIST, rel || 'index.html'));
  if (!path.startsWith(DIST + sep) && path !== DIST) throw new HttpError(404, 'not_found', 'no such file');
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, 'index.html') : path;
  if (!existsSync(file)) throw new HttpError(404, 'not_found', `no such file: /map/${rel}`);
  const body = readFileSync(file);
  res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': body.length });
  res.end(body);
}

function route(req, res) {
  const url = new URL(req.url, `http://${req.headers.host ?? 'localhost'}`);
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'ledger' && req.method === 'GET') return sendJson(res, 200, ledger.get(req, parts), parts[1] === 'problems' ? 'application/geo+json' : 'application/json');
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method_not_allowed', `${req.method} is not allowed here`);
  if (parts.length === 0) return sendJson(res, 200, { title: 'perimeter (mock)', links: [{ rel: 'data', href: '/collections' }, { rel: 'alternate', href: '/map/' }] });
  if (url.pathname === '/map') {
    res.writeHead(301, { location: '/map/' });
    return res.end();
  }
  if (parts[0] === 'map') return serveStatic(res, parts.slice(1).join('/'));
  if (parts[0] === 'health') return sendJson(res, 200, { status: 'ok' });
  if (parts[0] === 'check' && parts.length === 1) return sendJson(res, 200, check(url));
  if (parts[0] === 'collections' && parts.length === 3 && parts[2] === 'items') {
    if (!LAYERS.includes(parts[1])) throw new HttpError(404, 'not_found', `no collection '${parts[1]}'`);
    if (['posts', 'post_links'].includes(parts[1]) && !postsAllowed(req)) throw new HttpError(401, 'unauthorized', 'guard-post plans need a police, analyst or admin token');
    return sendJson(res, 200, items(url, parts[1]), 'application/geo+json');
  }
  if (parts[0] === 'tiles' && (parts.length === 2 || parts.length === 5)) {
    const layers = parts[1].split(',');
    const unknown = layers.find((l) => !LAYERS.includes(l));
    if (unknown) throw new HttpError(404, 'not_found', `no tile layer '${unknown}'`);
    if (parts.length === 2) return sendJson(res, 200, tileJson(req, layers));
    const [z, x, y] = parts.slice(2).map(Number);
    if (![z, x, y].every(Number.isInteger) || z < 0 || z > 24 || x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) throw bad(`bad tile address ${parts.slice(2).join('/')}`);
    return tile(res, layers, z, x, y);
  }
  if (parts[0] === 'schools' && parts.length === 3 && parts[2] === 'report') {
    const school = data.collections.schools.find((s) => s.properties.id === parts[1]);
    if (!school) throw new HttpError(404, 'not_found', `no school '${parts[1]}'`);
    const findings = data.collections.findings.filter((f) => f.properties.school_id === parts[1]).map(({ bbox: _b, ...f }) => f);
    return sendJson(res, 200, { school: school.properties, findings });
  }
  throw new HttpError(404, 'not_found', `no route ${url.pathname}`);
}

/** Starts the mock on `port` (0: any free port) at 127.0.0.1; resolves to { url, close }. */
export function startMock(port = 0) {
  const server = createServer((req, res) => {
    if (req.method === 'PATCH' && req.url.startsWith('/ledger/problems/')) {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        try {
          sendJson(res, 200, ledger.patch(req, req.url.split('/').filter(Boolean), text));
        } catch (e) {
          sendJson(res, e.status ?? 500, { code: e.code ?? 'internal', message: e.message });
        }
      });
      return;
    }
    try {
      route(req, res);
    } catch (e) {
      const status = e instanceof HttpError || e instanceof LedgerError ? e.status : 500;
      sendJson(res, status, { code: e.code ?? 'internal', message: status === 500 ? 'internal error' : e.message });
      if (status === 500) console.error(e);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({ url: `http://127.0.0.1:${p}`, ledger, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const listen = argValue('--listen');
  const port = Number(argValue('--port') ?? (listen ? listen.split(':').pop() : undefined) ?? process.env.PORT ?? 8081);
  const { url } = await startMock(port);
  if (!existsSync(join(DIST, 'index.html'))) console.error('mock: web/dist is not built yet (run web/build.sh); the API answers anyway');
  console.log(`mock perimeter API at ${url}/ — the map: ${url}/map/`);
}
