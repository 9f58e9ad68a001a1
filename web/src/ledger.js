// The ledger panel (两个清单): with an API token, the ledger's problems on the map coloured by status and
// in a list filtered by status, township and overdue; a problem's status changed with a note (the token's
// role permitting; the server decides and answers 401/403/409/412 with a reason, shown as is).
// The panel builds its own DOM inside the sidebar; main.js only calls initLedger(map, base).
import { currentLang } from './i18n.js';

/** The workflow: the statuses a problem may move to from each status (as the server enforces it). */
export const NEXT = {
  open: ['rectifying', 'disputed'],
  rectifying: ['rectified', 'disputed'],
  rectified: ['verified', 'rectifying'],
  disputed: ['open', 'verified'],
  verified: [],
};

export const STATUS_COLOURS = {
  open: '#c62828',
  rectifying: '#ef6c00',
  rectified: '#1565c0',
  verified: '#2e7d32',
  disputed: '#6a1b9a',
};

const WORDS = {
  zh: {
    title: '整改台账', token: 'API 令牌', use: '使用', forget: '退出', hint: '输入令牌后显示问题清单（需分析员及以上角色）。',
    all: '全部', status: '状态', township: '乡镇', overdue: '仅逾期', count: '{n} 个问题', more: '另有 {n} 个未列出',
    next: '改为', note: '备注（异议须填写理由）', submit: '提交', saved: '已保存：{id} → {status}', as: '{name}（{role}）',
    open: '待整改', rectifying: '整改中', rectified: '已整改', verified: '已销号', disputed: '有异议', closed: '已销号，不可再改',
    unit: '责任单位', deadline: '整改期限', overdue_flag: '逾期', gone_flag: '本次未发现，待核查',
  },
  en: {
    title: 'Rectification ledger', token: 'API token', use: 'Use', forget: 'Sign out', hint: 'Enter a token to show the problem list (analyst role or above).',
    all: 'all', status: 'Status', township: 'Township', overdue: 'overdue only', count: '{n} problems', more: '{n} more not listed',
    next: 'Change to', note: 'Note (a reason is required for disputed)', submit: 'Submit', saved: 'Saved: {id} → {status}', as: '{name} ({role})',
    open: 'open', rectifying: 'rectifying', rectified: 'rectified', verified: 'verified', disputed: 'disputed', closed: 'verified: closed',
    unit: 'Unit', deadline: 'Deadline', overdue_flag: 'overdue', gone_flag: 'not found by the latest scan: verify',
  },
};
const w = (key, vars = {}) => (WORDS[currentLang()] ?? WORDS.zh)[key].replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
const LIST_MAX = 200;

/** The problems (GeoJSON features) matching the panel's filters. */
export function filterProblems(features, { status = '', township = '', overdue = false } = {}) {
  return features.filter(
    (f) =>
      (!status || f.properties.status === status) &&
      (!township || f.properties.township === township) &&
      (!overdue || f.properties.overdue === true),
  );
}

/** The PATCH body of a change: the status, and the note, unit and deadline (YYYY-MM-DD) when not blank. */
export function changeBody({ status, note = '', unit = '', deadline = '' }) {
  const body = { status };
  for (const [k, v] of Object.entries({ note, unit, deadline })) if (v && v.trim()) body[k] = v.trim();
  return body;
}

/** A MapLibre colour expression by status. */
export function statusColourExpression() {
  return ['match', ['get', 'status'], ...Object.entries(STATUS_COLOURS).flat(), '#757575'];
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

async function call(base, token, path, init = {}) {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: { accept: 'application/json', authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${res.status} ${body?.code ?? ''}: ${body?.message ?? res.statusText}`);
  return { body, etag: res.headers.get('etag') };
}

/** Builds the panel in the sidebar and, once a token is given, the map layer. Returns the panel's state. */
export function initLedger(map, base) {
  const st = {
    token: sessionStorage.getItem('perimeter.token') ?? '',
    who: null,
    features: [],
    filters: { status: '', township: '', overdue: false },
    selected: null,
    message: '',
    error: false,
  };
  const section = el('section', { id: 'ledger-section' });
  document.getElementById('sidebar').append(section);
  map.addSource('ledger', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'ledger-problems',
    type: 'circle',
    source: 'ledger',
    paint: {
      'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 16, 8],
      'circle-color': statusColourExpression(),
      'circle-stroke-color': '#fff',
      'circle-stroke-width': ['case', ['get', 'overdue'], 2.5, 1],
    },
  });
  map.on('click', 'ledger-problems', (e) => {
    const id = e.features?.[0]?.properties?.id;
    if (id !== undefined) {
      st.selected = Number(id);
      render();
    }
  });

  function showOnMap() {
    map.getSource('ledger').setData({ type: 'FeatureCollection', features: filterProblems(st.features, st.filters) });
  }

  async function load() {
    if (!st.token) {
      st.who = null;
      st.features = [];
      showOnMap();
      render();
      return;
    }
    try {
      st.who = (await call(base, st.token, '/ledger/whoami')).body;
      st.features = (await call(base, st.token, '/ledger/problems')).body.features ?? [];
      st.message = '';
      st.error = false;
    } catch (e) {
      st.features = [];
      st.message = e.message;
      st.error = true;
    }
    showOnMap();
    render();
  }

  /** Sends a change: the status, with the note, unit and deadline when given. */
  async function submit(problem, fields) {
    try {
      const body = changeBody(fields);
      const { body: p } = await call(base, st.token, `/ledger/problems/${problem.id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', 'if-match': `"${problem.version}"` },
        body: JSON.stringify(body),
      });
      const f = st.features.find((x) => x.properties.id === p.id);
      if (f) Object.assign(f.properties, p);
      st.message = w('saved', { id: p.id, status: w(p.status) });
      st.error = false;
    } catch (e) {
      st.message = e.message;
      st.error = true;
    }
    showOnMap();
    render();
  }

  function select(label, value, options, onChange) {
    const s = el('select', { 'data-filter': label, onchange: (e) => onChange(e.target.value) });
    for (const [v, text] of options) {
      const o = el('option', { value: v }, text);
      if (v === value) o.selected = true;
      s.append(o);
    }
    return s;
  }

  function render() {
    section.replaceChildren(el('h2', {}, w('title')));
    const tokenInput = el('input', { id: 'ledger-token', type: 'password', autocomplete: 'off', placeholder: w('token') });
    tokenInput.value = st.token;
    const apply = () => {
      st.token = tokenInput.value.trim();
      if (st.token) sessionStorage.setItem('perimeter.token', st.token);
      else sessionStorage.removeItem('perimeter.token');
      load();
    };
    tokenInput.addEventListener('keydown', (e) => e.key === 'Enter' && apply());
    section.append(
      el('div', { class: 'row' }, tokenInput, el('button', { id: 'ledger-use', type: 'button', onclick: apply }, w('use')),
        st.token ? el('button', { id: 'ledger-forget', type: 'button', class: 'link', onclick: () => { tokenInput.value = ''; apply(); } }, w('forget')) : null),
    );
    if (st.who) section.append(el('p', { id: 'ledger-who', class: 'hint' }, w('as', st.who)));
    if (st.message) section.append(el('p', { id: 'ledger-message', class: st.error ? 'error' : 'hint', 'data-error': String(st.error) }, st.message));
    if (!st.who) {
      section.append(el('p', { class: 'hint' }, w('hint')));
      return;
    }
    const towns = [...new Set(st.features.map((f) => f.properties.township).filter(Boolean))].sort();
    const setFilter = (k) => (v) => {
      st.filters[k] = v;
      showOnMap();
      render();
    };
    const overdue = el('input', { id: 'ledger-overdue', type: 'checkbox', onchange: (e) => setFilter('overdue')(e.target.checked) });
    overdue.checked = st.filters.overdue;
    section.append(
      el('label', { class: 'row' }, el('span', {}, w('status')),
        select('status', st.filters.status, [['', w('all')], ...Object.keys(NEXT).map((s) => [s, w(s)])], setFilter('status'))),
      el('label', { class: 'row' }, el('span', {}, w('township')),
        select('township', st.filters.township, [['', w('all')], ...towns.map((t) => [t, t])], setFilter('township'))),
      el('label', { class: 'row' }, overdue, el('span', {}, w('overdue'))),
    );
    const shown = filterProblems(st.features, st.filters);
    section.append(el('p', { id: 'ledger-count', 'data-count': String(shown.length) }, w('count', { n: shown.length })));
    const list = el('ol', { id: 'ledger-list' });
    for (const f of shown.slice(0, LIST_MAX)) {
      const p = f.properties;
      const item = el(
        'li',
        { 'data-id': String(p.id), 'data-status': p.status, class: p.id === st.selected ? 'selected' : '', onclick: () => { st.selected = p.id; render(); } },
        el('span', { class: 'badge', style: `background:${STATUS_COLOURS[p.status] ?? '#757575'}` }, w(p.status)),
        ` #${p.id} ${p.school_name} — ${p.feature_name} ${Number(p.distance_m).toFixed(1)} m`,
        p.overdue ? ` · ${w('overdue_flag')}` : '',
      );
      list.append(item);
      if (p.id === st.selected) list.append(detail(p));
    }
    section.append(list);
    if (shown.length > LIST_MAX) section.append(el('p', { class: 'hint' }, w('more', { n: shown.length - LIST_MAX })));
  }

  function detail(p) {
    const box = el('li', { id: 'ledger-detail', class: 'detail' });
    box.append(el('div', {}, `${w('unit')}: ${p.unit ?? '-'} · ${w('deadline')}: ${p.deadline ?? '-'}`));
    if (p.gone) box.append(el('div', { class: 'hint' }, w('gone_flag')));
    const next = NEXT[p.status] ?? [];
    if (next.length === 0) {
      box.append(el('div', { class: 'hint' }, w('closed')));
      return box;
    }
    const to = select('next', next[0], next.map((s) => [s, w(s)]), () => {});
    to.id = 'ledger-next';
    const note = el('input', { id: 'ledger-note', type: 'text', maxlength: '2000', placeholder: w('note') });
    const unit = el('input', { id: 'ledger-unit', type: 'text', maxlength: '100', placeholder: w('unit') });
    const deadline = el('input', { id: 'ledger-deadline', type: 'date', title: w('deadline') });
    box.append(
      el('label', { class: 'row' }, el('span', {}, w('next')), to),
      el('div', { class: 'row' }, unit, deadline),
      note,
      el('button', { id: 'ledger-submit', type: 'button', onclick: () => submit(p, { status: to.value, note: note.value, unit: unit.value, deadline: deadline.value }) }, w('submit')),
    );
    return box;
  }

  document.getElementById('lang-toggle')?.addEventListener('click', () => render());
  render();
  load();
  return st;
}
