// Small geometry helpers for the mock server and the browser test, in a local metric frame.
//
// A point (lon, lat) in degrees maps to metres east/north of an origin with the WGS84 radii of
// curvature at the origin's latitude (meridian M, prime vertical N). Over a few hundred metres this
// agrees with the geodesic to well under a millimetre per metre of error budget a mock needs; the
// real server measures on the ellipsoid and is the reference — the mock only has to be plausible.

const A = 6378137.0; // WGS84 semi-major axis, metres
const F = 1 / 298.257223563;
const E2 = F * (2 - F);
const RAD = Math.PI / 180;

/** A local frame at `origin` [lon, lat] (degrees): `fwd` gives metres [east, north], `inv` degrees. */
export function localFrame(origin) {
  const phi = origin[1] * RAD;
  const w = 1 - E2 * Math.sin(phi) ** 2;
  const m = (A * (1 - E2)) / w ** 1.5; // metres per radian of latitude
  const n = A / Math.sqrt(w); // metres per radian of longitude / cos(lat)
  const kx = n * Math.cos(phi) * RAD; // metres per degree east
  const ky = m * RAD; // metres per degree north
  return {
    fwd: (p) => [(p[0] - origin[0]) * kx, (p[1] - origin[1]) * ky],
    inv: (q) => [origin[0] + q[0] / kx, origin[1] + q[1] / ky],
  };
}

/** Nearest point of segment ab to p (planar), as [point, distance]. */
function nearestOnSegment(p, a, b) {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  const q = [a[0] + t * dx, a[1] + t * dy];
  return [q, Math.hypot(p[0] - q[0], p[1] - q[1])];
}

/** Even-odd test of p against one ring (planar). */
function inRing(p, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The polygons of a Polygon or MultiPolygon geometry as arrays of rings; [] for other types. */
export function polygonsOf(geometry) {
  if (geometry.type === 'Polygon') return [geometry.coordinates];
  if (geometry.type === 'MultiPolygon') return geometry.coordinates;
  return [];
}

/** A representative point of a geometry (first vertex of the outer ring, or the point itself). */
export function anchorOf(geometry) {
  if (geometry.type === 'Point') return geometry.coordinates;
  return polygonsOf(geometry)[0][0][0];
}

/**
 * Distance in metres from a site [lon, lat] to a school's geometry (Point, Polygon or MultiPolygon),
 * 0 inside a campus (a point in a hole is outside and measured to the hole's ring), with the school-side
 * end of the measured line: `{ metres, from: [lon, lat] }`.
 */
export function distanceToSchool(site, geometry) {
  const frame = localFrame(site);
  const p = [0, 0];
  if (geometry.type === 'Point') {
    const q = frame.fwd(geometry.coordinates);
    return { metres: Math.hypot(q[0], q[1]), from: geometry.coordinates };
  }
  let best = { metres: Infinity, from: site };
  for (const polygon of polygonsOf(geometry)) {
    const rings = polygon.map((ring) => ring.map(frame.fwd));
    if (inRing(p, rings[0]) && !rings.slice(1).some((h) => inRing(p, h))) return { metres: 0, from: site };
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [q, d] = nearestOnSegment(p, ring[i], ring[i + 1]);
        if (d < best.metres) best = { metres: d, from: frame.inv(q) };
      }
    }
  }
  return best;
}

/** Convex hull (monotone chain) of planar points, counter-clockwise, closed. */
function hull(points) {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o, a, b) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper = [];
  for (const p of pts.reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  const ring = lower.slice(0, -1).concat(upper.slice(0, -1));
  ring.push(ring[0]);
  return ring;
}

/**
 * A display zone of `metres` around a school: per campus part, the hull of circles (`steps` points)
 * around its outer-ring vertices (exact for convex campuses); a circle around a point school.
 * Returns a Polygon or MultiPolygon geometry in degrees.
 */
export function zoneAround(geometry, metres, steps = 48) {
  const origin = anchorOf(geometry);
  const frame = localFrame(origin);
  const circle = (c) =>
    Array.from({ length: steps }, (_, k) => {
      const a = (2 * Math.PI * k) / steps;
      return [c[0] + metres * Math.cos(a), c[1] + metres * Math.sin(a)];
    });
  const parts = geometry.type === 'Point' ? [[[geometry.coordinates]]] : polygonsOf(geometry);
  const rings = parts.map((polygon) => [hull(polygon[0].map(frame.fwd).flatMap(circle)).map(frame.inv)]);
  return rings.length === 1 ? { type: 'Polygon', coordinates: rings[0] } : { type: 'MultiPolygon', coordinates: rings };
}

/** Bounding box [minLon, minLat, maxLon, maxLat] of any GeoJSON geometry. */
export function bboxOf(geometry) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      box[0] = Math.min(box[0], c[0]);
      box[1] = Math.min(box[1], c[1]);
      box[2] = Math.max(box[2], c[0]);
      box[3] = Math.max(box[3], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return box;
}

/**
 * A site `metres` outside a polygon campus: from the midpoint of one of its outer edges along the
 * outward normal (counter-clockwise outer rings, RFC 7946, have their outside on the right), trying the
 * longest edge first and keeping the first site whose nearest campus point is that edge's midpoint
 * (a concave campus can have another edge nearer). Null when no edge gives such a site.
 */
export function siteOutside(geometry, metres) {
  const ring = polygonsOf(geometry)[0][0];
  const frame = localFrame(ring[0]);
  const pts = ring.map(frame.fwd);
  let area2 = 0;
  for (let i = 0; i + 1 < pts.length; i++) area2 += pts[i][0] * pts[i + 1][1] - pts[i + 1][0] * pts[i][1];
  const sign = area2 > 0 ? 1 : -1; // +1: counter-clockwise, outside on the right
  const edges = [];
  for (let i = 0; i + 1 < pts.length; i++) {
    const [a, b] = [pts[i], pts[i + 1]];
    edges.push({ a, b, len: Math.hypot(b[0] - a[0], b[1] - a[1]) });
  }
  edges.sort((x, y) => y.len - x.len);
  for (const { a, b, len } of edges) {
    if (len === 0) continue;
    const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const normal = [(sign * (b[1] - a[1])) / len, (-sign * (b[0] - a[0])) / len];
    const site = frame.inv([mid[0] + metres * normal[0], mid[1] + metres * normal[1]]);
    if (Math.abs(distanceToSchool(site, geometry).metres - metres) < 0.01) return site;
  }
  return null;
}
