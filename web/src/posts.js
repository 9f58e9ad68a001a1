// Guard posts (护学岗) on the map: a sidebar toggle that shows the server's start-up plan — the
// `posts` collection as indigo dots ringed in gold and `post_links` as dashed lines from each post to
// the gates it covers — and, on a click on a post, its schools, gates, officer and duty windows.
// The data is fetched when the layer is first switched on (the plan is sensitive: nothing is asked for
// until someone wants to see it).
import { fetchAll } from './api.js';
import { formatMetres } from './export.js';
import { t } from './i18n.js';

export const POST_COLOURS = { gate: '#283593', boundary: '#00695c', user: '#6a1b9a', ring: '#ffc107', link: '#3949ab' };

/** The map layers of the guard posts, bottom to top. */
export const POST_LAYERS = ['post-links', 'posts'];

/** A list property: an array (GeoJSON items) or a joined string (vector tiles: names by 、, ids by ,). */
export function listOf(value, sep = ',') {
  if (Array.isArray(value)) return value.map(String);
  if (value === null || value === undefined || value === '') return [];
  return String(value).split(sep);
}

/**
 * What the panel shows for one post: from its properties and the `post_links` features, the schools
 * (id, name) and, per school, its covered gates with their distance to the post, in link order.
 */
export function postDetails(post, links) {
  const p = post.properties ?? post;
  const ids = listOf(p.school_ids, ',');
  const names = listOf(p.schools, '、');
  const gatesBySchool = new Map();
  for (const l of links) {
    const lp = l.properties ?? l;
    if (lp.post !== p.id) continue;
    if (!gatesBySchool.has(lp.school_id)) gatesBySchool.set(lp.school_id, []);
    gatesBySchool.get(lp.school_id).push({ gate: lp.gate ?? null, approximate: !!lp.approximate, distance_m: Number(lp.distance_m) });
  }
  return {
    id: p.id,
    kind: p.kind,
    fixed: !!p.fixed,
    officer: p.officer,
    morning: p.morning,
    afternoon: p.afternoon,
    gates: Number(p.gates),
    covered_weight: Number(p.covered_weight),
    schools: ids.map((id, i) => ({ id, name: names[i] ?? id, gates: gatesBySchool.get(id) ?? [] })),
  };
}

/** The post kind in the current language. */
const kindLabel = (kind) => t(`posts_kind_${kind}`) ?? kind;

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

/**
 * Adds the guard-post sources, layers (hidden) and sidebar section to `map`, after `after` (an element
 * of the sidebar). Returns { click(e) → true when the click was on a post, render() for a language
 * change, state }.
 */
export function installPosts(map, { base, after }) {
  const state = { visible: false, loaded: false, loading: null, count: 0, links: [], selected: null, error: null };
  const empty = { type: 'FeatureCollection', features: [] };
  map.addSource('posts', { type: 'geojson', data: empty });
  map.addSource('post-links', { type: 'geojson', data: empty });
  map.addLayer({
    id: 'post-links',
    type: 'line',
    source: 'post-links',
    layout: { visibility: 'none' },
    paint: { 'line-color': POST_COLOURS.link, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1, 16, 2.5], 'line-dasharray': [2, 1.5] },
  });
  map.addLayer({
    id: 'posts',
    type: 'circle',
    source: 'posts',
    layout: { visibility: 'none' },
    paint: {
      'circle-color': ['match', ['get', 'kind'], 'boundary', POST_COLOURS.boundary, 'user', POST_COLOURS.user, POST_COLOURS.gate],
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 3, 14, 6, 17, 9],
      'circle-stroke-color': POST_COLOURS.ring,
      'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 2.5],
    },
  });

  const section = el('section', { id: 'posts-section' });
  after.after(section);

  function renderDetails() {
    const box = el('div', { id: 'post-details' });
    const d = state.selected;
    if (!d) return box;
    box.dataset.postId = d.id;
    box.append(
      el('p', { class: 'post-title' }, el('b', {}, d.id), ` · ${kindLabel(d.kind)}${d.fixed ? ` · ${t('posts_fixed')}` : ''}`),
      el('p', { class: 'post-officer' }, t('posts_officer', { officer: d.officer })),
      el('p', { class: 'post-window' }, t('posts_windows', { morning: d.morning, afternoon: d.afternoon })),
      el('p', { class: 'post-covers' }, t('posts_covers', { gates: d.gates, weight: Math.round(d.covered_weight) })),
      el(
        'ul',
        { class: 'post-schools' },
        d.schools.map((s) =>
          el(
            'li',
            { dataset: { schoolId: s.id } },
            el('b', {}, s.name),
            s.gates.length
              ? el('span', { class: 'finding-meta' }, ` ${s.gates.map((g) => `${g.gate ?? t('posts_no_gate')} ${formatMetres(g.distance_m)}`).join('；')}`)
              : el('span', { class: 'finding-meta' }, ` ${t('posts_responsible')}`),
          ),
        ),
      ),
    );
    return box;
  }

  function render() {
    const toggle = el('input', { id: 'posts-toggle', type: 'checkbox' });
    toggle.checked = state.visible;
    toggle.addEventListener('change', () => setVisible(toggle.checked));
    const status = el('span', { id: 'posts-count', class: 'finding-meta', dataset: { count: String(state.count) } });
    if (state.loading) status.textContent = ` ${t('loading')}`;
    else if (state.error) status.textContent = ` ${t('load_failed', { message: state.error })}`;
    else if (state.loaded) status.textContent = ` ${t('posts_count', { count: state.count })}`;
    section.replaceChildren(
      el('h2', {}, t('posts_title')),
      el(
        'label',
        { class: 'posts-toggle' },
        toggle,
        el('span', { class: 'swatch round', style: `background:${POST_COLOURS.gate};border:2px solid ${POST_COLOURS.ring}` }),
        el('span', {}, t('posts_toggle')),
        status,
      ),
      state.visible ? el('p', { class: 'hint' }, t('posts_hint')) : null,
      state.visible ? renderDetails() : null,
    );
  }

  async function load() {
    // The plan is sensitive: the server answers only a police, analyst or admin token (the one entered in
    // the ledger panel, kept for the session).
    const token = sessionStorage.getItem('perimeter.token');
    const init = { headers: token ? { authorization: `Bearer ${token}` } : {} };
    state.error = null;
    state.loading = Promise.all([fetchAll(base, 'posts', {}, 10000, init), fetchAll(base, 'post_links', {}, 10000, init)]);
    render();
    try {
      const [posts, links] = await state.loading;
      map.getSource('posts').setData({ type: 'FeatureCollection', features: posts.features });
      map.getSource('post-links').setData({ type: 'FeatureCollection', features: links.features });
      state.links = links.features;
      state.count = posts.numberMatched;
      state.loaded = true;
    } catch (e) {
      state.error = /^40[13] /.test(e.message) ? t('posts_need_token') : e.message;
      console.warn('guard posts failed to load:', e.message);
    }
    state.loading = null;
    render();
  }

  async function setVisible(on) {
    state.visible = on;
    for (const id of POST_LAYERS) map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
    if (!on) state.selected = null;
    render();
    if (on && !state.loaded && !state.loading) await load();
  }

  function click(e) {
    if (!state.visible) return false;
    const box = [
      [e.point.x - 4, e.point.y - 4],
      [e.point.x + 4, e.point.y + 4],
    ];
    const hit = map.queryRenderedFeatures(box, { layers: ['posts'] })[0];
    if (!hit) return false;
    state.selected = postDetails(hit, state.links);
    render();
    return true;
  }

  map.on('mouseenter', 'posts', () => (map.getCanvas().style.cursor = 'pointer'));
  map.on('mouseleave', 'posts', () => (map.getCanvas().style.cursor = ''));
  render();
  return { click, render, setVisible, state };
}
