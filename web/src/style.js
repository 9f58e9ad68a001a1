// The map style: a plain background (no glyphs, no sprites: the page works offline), an optional raster
// basemap, and the perimeter layers. Text on the map (distances) is drawn as canvas images (labels.js).
import { CATEGORIES } from './i18n.js';

export const COLOURS = {
  background: '#f3f1ec',
  school: '#2e7d32',
  schoolPoint: '#ef6c00',
  zone: '#e53935',
  finding: '#c62828',
  water: '#90caf9',
  waterLine: '#4a90d9',
  waterRisk: '#0d47a1',
  check: '#212121',
  selected: '#1565c0',
};

/** A `match` expression colouring venues by category. */
export function categoryColour() {
  const m = ['match', ['get', 'category']];
  for (const [k, v] of Object.entries(CATEGORIES)) m.push(k, v.colour);
  m.push(CATEGORIES.other.colour);
  return m;
}

/**
 * The style. `tiles` is a TileJSON for the layers buffers, water and venues, or null to take them from
 * GeoJSON sources of those names; `basemap` a raster tile URL template or null.
 */
export function buildStyle({ tiles, basemap, basemapAttribution }) {
  const empty = { type: 'geojson', data: { type: 'FeatureCollection', features: [] } };
  const sources = {
    schools: { ...empty },
    'school-marks': { ...empty },
    findings: { ...empty },
    check: { ...empty },
    'check-labels': { ...empty },
    'check-site': { ...empty },
  };
  if (tiles) {
    sources.perimeter = {
      type: 'vector',
      tiles: tiles.tiles,
      minzoom: tiles.minzoom ?? 0,
      maxzoom: tiles.maxzoom ?? 14,
      ...(tiles.bounds ? { bounds: tiles.bounds } : {}),
    };
  } else {
    for (const name of ['buffers', 'water', 'venues']) sources[name] = { ...empty };
  }
  if (basemap) {
    sources.basemap = { type: 'raster', tiles: [basemap], tileSize: 256, attribution: basemapAttribution ?? '' };
  }
  const from = (layer) => (tiles ? { source: 'perimeter', 'source-layer': layer } : { source: layer });
  const isPoint = ['==', ['geometry-type'], 'Point'];
  const isPolygon = ['==', ['geometry-type'], 'Polygon'];
  const isLine = ['==', ['geometry-type'], 'LineString'];
  const none = ['literal', ['']];
  const otherScale = ['case', ['==', ['get', 'category'], 'other'], 0.6, 1];

  const layers = [
    { id: 'background', type: 'background', paint: { 'background-color': COLOURS.background } },
    ...(basemap ? [{ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.85 } }] : []),
    { id: 'buffers-fill', type: 'fill', ...from('buffers'), paint: { 'fill-color': COLOURS.zone, 'fill-opacity': 0.08 } },
    { id: 'buffers-line', type: 'line', ...from('buffers'), paint: { 'line-color': COLOURS.zone, 'line-width': 1, 'line-opacity': 0.6, 'line-dasharray': [3, 2] } },
    { id: 'water-fill', type: 'fill', ...from('water'), filter: isPolygon, paint: { 'fill-color': COLOURS.water, 'fill-opacity': 0.7 } },
    { id: 'water-line', type: 'line', ...from('water'), filter: isLine, paint: { 'line-color': COLOURS.waterLine, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1, 16, 4] } },
    // Drowning-risk water: the water features of the (filtered) findings; the filter is set at run time.
    { id: 'water-risk-fill', type: 'fill', ...from('water'), filter: ['all', isPolygon, ['in', ['get', 'id'], none]], paint: { 'fill-color': COLOURS.waterRisk, 'fill-opacity': 0.55 } },
    { id: 'water-risk-line', type: 'line', ...from('water'), filter: ['in', ['get', 'id'], none], paint: { 'line-color': COLOURS.waterRisk, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 2, 16, 6] } },
    { id: 'schools-fill', type: 'fill', source: 'schools', filter: ['!', isPoint], paint: { 'fill-color': COLOURS.school, 'fill-opacity': 0.35 } },
    { id: 'schools-line', type: 'line', source: 'schools', filter: ['!', isPoint], paint: { 'line-color': COLOURS.school, 'line-width': 1.5 } },
    // Point-only schools are approximate: hollow orange circles.
    {
      id: 'schools-point',
      type: 'circle',
      source: 'schools',
      filter: isPoint,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 4, 16, 10],
        'circle-color': '#ffffff',
        'circle-opacity': 0.6,
        'circle-stroke-color': COLOURS.schoolPoint,
        'circle-stroke-width': 2.5,
      },
    },
    { id: 'schools-selected', type: 'line', source: 'schools', filter: ['==', ['get', 'id'], ''], paint: { 'line-color': COLOURS.selected, 'line-width': 3 } },
    {
      id: 'venues',
      type: 'circle',
      ...from('venues'),
      paint: {
        // Shops of no regulated category ('other') are drawn smaller and paler.
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, ['*', otherScale, 1.5], 14, ['*', otherScale, 4], 17, ['*', otherScale, 7]],
        'circle-opacity': ['case', ['==', ['get', 'category'], 'other'], 0.6, 1],
        'circle-color': categoryColour(),
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 9, 0, 14, 1],
      },
    },
    // Venues in a finding: a ring around them; the filter is set at run time.
    {
      id: 'venues-finding',
      type: 'circle',
      ...from('venues'),
      minzoom: 12,
      filter: ['in', ['get', 'id'], none],
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 4, 14, 7, 17, 11],
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': COLOURS.finding,
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'findings',
      type: 'line',
      source: 'findings',
      layout: { 'line-cap': 'round' },
      paint: {
        'line-color': COLOURS.finding,
        'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1.5, 16, 3],
      },
    },
    {
      id: 'findings-label',
      type: 'symbol',
      source: 'findings',
      minzoom: 13,
      layout: { 'symbol-placement': 'line-center', 'icon-image': ['concat', 'label:', ['get', 'label']], 'icon-allow-overlap': false, 'icon-rotation-alignment': 'viewport' },
    },
    // A finding with distance 0 (venue inside the campus) has a zero-length line: mark it with a dot.
    { id: 'findings-zero', type: 'circle', source: 'findings', filter: ['==', ['get', 'distance_m'], 0], paint: { 'circle-radius': 4, 'circle-color': COLOURS.finding } },
    // At low zoom a campus is a few pixels: mark every school with a dot there.
    {
      id: 'school-marks',
      type: 'circle',
      source: 'school-marks',
      maxzoom: 13,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 12, 5],
        'circle-color': ['case', ['get', 'approximate'], '#ffffff', COLOURS.school],
        'circle-stroke-color': ['case', ['get', 'approximate'], COLOURS.schoolPoint, '#ffffff'],
        'circle-stroke-width': 1.5,
      },
    },
    { id: 'check-line', type: 'line', source: 'check', paint: { 'line-color': COLOURS.check, 'line-width': 2.5, 'line-dasharray': [2, 1] } },
    {
      id: 'check-site',
      type: 'circle',
      source: 'check-site',
      paint: {
        'circle-radius': 7,
        'circle-color': ['case', ['get', 'allowed'], '#43a047', '#d32f2f'],
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
    // Beside the line's middle (anchor chosen from the line's direction), so that a short line stays visible.
    {
      id: 'check-label',
      type: 'symbol',
      source: 'check-labels',
      layout: {
        'icon-image': ['concat', 'check:', ['get', 'label']],
        'icon-anchor': ['get', 'anchor'],
        'icon-offset': ['get', 'offset'],
        'icon-allow-overlap': true,
        'icon-ignore-placement': false,
      },
    },
  ];
  return { version: 8, name: 'perimeter', sources, layers };
}
