// The perimeter HTTP API: OGC API – Features collections, vector tiles, the site check.
// The API lives at the origin root (the page itself is under /map/); `?api=URL` points elsewhere.

/** The API's base URL without a trailing slash. */
export function apiBase(params = new URLSearchParams(location.search)) {
  const given = params.get('api');
  return (given ? new URL(given, location.href).href : location.origin).replace(/\/+$/, '');
}

/** GET a JSON document; a non-2xx answer throws an Error with the server's `{code, message}` when it sent one. */
export async function getJson(url, { signal, headers = {} } = {}) {
  const res = await fetch(url, { signal, headers: { accept: 'application/json, application/geo+json', ...headers } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body && body.message) message = `${res.status} ${body.code ?? ''}: ${body.message}`;
    } catch {
      // not JSON: keep the status line
    }
    throw new Error(`${message} (${url})`);
  }
  return res.json();
}

/**
 * Every feature of a collection, following `rel=next` links, with the server's numberMatched
 * (of the first page). `params` are extra query parameters (category, school_id, …).
 */
export async function fetchAll(base, collection, params = {}, pageSize = 10000, { headers = {} } = {}) {
  const url = new URL(`${base}/collections/${collection}/items`);
  url.searchParams.set('limit', String(pageSize));
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) url.searchParams.set(k, String(v));
  const features = [];
  let numberMatched = null;
  let next = url.href;
  for (let page = 0; next && page < 10000; page++) {
    const fc = await getJson(next, { headers });
    if (numberMatched === null && typeof fc.numberMatched === 'number') numberMatched = fc.numberMatched;
    features.push(...(fc.features ?? []));
    const link = (fc.links ?? []).find((l) => l.rel === 'next');
    next = link && (fc.features ?? []).length > 0 ? new URL(link.href, next).href : null;
  }
  return { features, numberMatched: numberMatched ?? features.length };
}

/**
 * The TileJSON of `layers` (e.g. ['buffers','water','venues']), with absolute tile URLs, or null when the
 * server has no tiles for them.
 */
export async function tileJson(base, layers) {
  const url = `${base}/tiles/${layers.join(',')}`;
  try {
    const tj = await getJson(url);
    const tiles = (tj.tiles ?? []).map((t) => decodeURI(new URL(t, url).href));
    if (tiles.length === 0) return null;
    return { ...tj, tiles };
  } catch {
    return null;
  }
}

/** The site check at (lon, lat) in WGS84 for a venue category. */
export function checkSite(base, lon, lat, category, { signal } = {}) {
  const url = new URL(`${base}/check`);
  url.searchParams.set('lon', lon.toFixed(7));
  url.searchParams.set('lat', lat.toFixed(7));
  url.searchParams.set('category', category);
  return getJson(url.href, { signal });
}
