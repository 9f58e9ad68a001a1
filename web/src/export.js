// Findings as files, built in the browser: GeoJSON and CSV (UTF-8 with BOM, the columns of the
// command line's findings.csv: the finding fields plus the measured line's ends).

/** The published fields of a finding, in the order of `perimeter scan`'s findings.csv. */
export const FIELDS = [
  'school_id',
  'school_name',
  'school_kind',
  'township',
  'feature_type',
  'feature_id',
  'feature_name',
  'category',
  'rule_id',
  'method',
  'limit_m',
  'distance_m',
  'legal_basis',
  'approximate',
];

/** One CSV field: quoted when it holds a comma, quote, CR or LF (RFC 4180). */
function csvField(value) {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Distance in metres as written everywhere: two decimals (centimetres). */
export const formatMetres = (m) => `${Number(m).toFixed(2)} m`;

/**
 * The findings as CSV text, starting with a BOM, LF line ends: header FIELDS + from_lon, from_lat,
 * to_lon, to_lat; distances with 2 decimals, coordinates with 7 (as the command line writes them).
 */
export function findingsCsv(features) {
  const header = [...FIELDS, 'from_lon', 'from_lat', 'to_lon', 'to_lat'];
  const rows = [header.join(',')];
  for (const f of features) {
    const p = f.properties;
    const [from, to] = f.geometry.coordinates;
    const values = FIELDS.map((k) => {
      if (k === 'distance_m') return Number(p.distance_m).toFixed(2);
      if (k === 'approximate') return p.approximate ? 'true' : 'false';
      return p[k];
    });
    values.push(from[0].toFixed(7), from[1].toFixed(7), to[0].toFixed(7), to[1].toFixed(7));
    rows.push(values.map(csvField).join(','));
  }
  return '\uFEFF' + rows.join('\n') + '\n';
}

/** The findings as a GeoJSON FeatureCollection text. */
export function findingsGeoJson(features) {
  return JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', geometry: f.geometry, properties: f.properties })) });
}

/**
 * The findings passing the filters: `category`, `township`, `rule_id` and `school_id` ('' = any).
 */
export function filterFindings(features, filters) {
  return features.filter((f) => {
    const p = f.properties;
    return (
      (!filters.category || p.category === filters.category) &&
      (!filters.township || p.township === filters.township) &&
      (!filters.rule_id || p.rule_id === filters.rule_id) &&
      (!filters.school_id || p.school_id === filters.school_id)
    );
  });
}

/** Schools whose name contains every whitespace-separated term of `query` (case-insensitive), at most `max`. */
export function searchSchools(schools, query, max = 20) {
  const terms = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [];
  const hits = [];
  for (const s of schools) {
    const name = String(s.properties.name ?? '').toLowerCase();
    const id = String(s.properties.id ?? '').toLowerCase();
    if (terms.every((term) => name.includes(term) || id === term)) {
      hits.push(s);
      if (hits.length >= max) break;
    }
  }
  return hits;
}
