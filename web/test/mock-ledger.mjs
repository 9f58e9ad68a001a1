// The ledger routes of the mock server: problems made from the findings fixture (one per finding, drawn
// at the finding's feature end), two tokens (`mock-regulator`: role regulator, `mock-viewer`: viewer),
// GET /ledger/whoami, GET /ledger/problems (GeoJSON), PATCH /ledger/problems/{id} with If-Match and the
// workflow, answering 401/403/404/409/412/428 as the real server does (its tests are the reference).
import { NEXT } from '../src/ledger.js';

const TOKENS = {
  'mock-regulator': { name: 'regulator-desk', role: 'regulator' },
  'mock-viewer': { name: 'viewer-desk', role: 'viewer' },
  'mock-police': { name: 'police-desk', role: 'police' },
};

/** Guard-post plans (the `posts` and `post_links` collections) need a police, analyst or admin token. */
export function postsAllowed(req) {
  const id = TOKENS[(req.headers.authorization ?? '').replace(/^Bearer /, '')];
  return Boolean(id && ['police', 'analyst', 'admin'].includes(id.role));
}

export class LedgerError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** The mock ledger over `findings` (GeoJSON features with LineString geometry). */
export function mockLedger(findings) {
  const problems = findings.map((f, i) => {
    const line = f.geometry.coordinates;
    const p = f.properties;
    return {
      type: 'Feature',
      id: i + 1,
      geometry: { type: 'Point', coordinates: line[line.length - 1] },
      properties: {
        id: i + 1, school_id: p.school_id, school_name: p.school_name, township: p.township, feature_type: p.feature_type,
        feature_id: p.feature_id, feature_name: p.feature_name, category: p.category, rule_id: p.rule_id, distance_m: p.distance_m,
        status: i === 1 ? 'rectifying' : 'open', unit: i === 1 ? '市场监管局' : null, measure: null,
        deadline: i === 1 ? '2000-01-01' : null, supervised: false, version: i === 1 ? 3 : 1, gone: false, overdue: i === 1,
      },
    };
  });
  const audit = [];

  function who(req) {
    const h = req.headers.authorization;
    if (!h) throw new LedgerError(401, 'unauthorized', 'this resource needs a token: send Authorization: Bearer TOKEN');
    const id = TOKENS[h.replace(/^Bearer /, '')];
    if (!id) throw new LedgerError(401, 'unauthorized', 'unknown token');
    return id;
  }

  function reader(req) {
    const id = who(req);
    if (id.role === 'viewer') throw new LedgerError(403, 'forbidden', "role 'viewer' may read public layers only, not the ledger");
    return id;
  }

  function get(req, parts) {
    if (parts[1] === 'whoami') return who(req);
    reader(req);
    if (parts[1] === 'problems' && parts.length === 2) return { type: 'FeatureCollection', features: problems };
    throw new LedgerError(404, 'not_found', `no route /${parts.join('/')}`);
  }

  function patch(req, parts, text) {
    const id = reader(req);
    const p = problems.find((f) => String(f.properties.id) === parts[2])?.properties;
    if (!p) throw new LedgerError(404, 'not_found', `no problem ${parts[2]} in the ledger`);
    if (!(id.role === 'admin' || (id.role === 'regulator' && p.feature_type === 'venue') || (id.role === 'police' && p.feature_type === 'water'))) {
      throw new LedgerError(403, 'forbidden', `role '${id.role}' may not change ${p.feature_type} problems`);
    }
    let body;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new LedgerError(400, 'bad_request', `body: ${e.message}`);
    }
    const m = req.headers['if-match'];
    if (!m) throw new LedgerError(428, 'precondition_required', 'a change needs If-Match');
    const v = Number(m.replace(/"/g, ''));
    if (v !== p.version) throw new LedgerError(412, 'precondition_failed', `problem ${p.id} is at version ${p.version}, not ${v}: it was changed meanwhile; reload and retry`);
    if (body.deadline !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(body.deadline)) throw new LedgerError(400, 'bad_request', `deadline '${body.deadline}' is not a date written YYYY-MM-DD`);
    if (body.status && body.status === 'rectifying' && NEXT[p.status].includes('rectifying') && !p.unit && !body.unit) {
      throw new LedgerError(409, 'conflict', 'rectifying needs a responsible unit: assign one first (or in the same change)');
    }
    for (const field of ['unit', 'deadline']) {
      if (body[field] !== undefined && body[field] !== p[field]) {
        audit.push({ problem_id: p.id, actor: id.name, field, from: p[field], to: body[field], note: body.note ?? null });
        p[field] = body[field];
      }
    }
    if (body.status) {
      if (!(body.status in NEXT)) throw new LedgerError(400, 'bad_request', `unknown status '${body.status}'`);
      if (!NEXT[p.status].includes(body.status)) throw new LedgerError(409, 'conflict', `${p.status} → ${body.status} is not a step of the workflow`);
      if (body.status === 'disputed' && !body.note?.trim()) throw new LedgerError(409, 'conflict', 'disputed needs a reason (note)');
      audit.push({ problem_id: p.id, actor: id.name, field: 'status', from: p.status, to: body.status, note: body.note ?? null });
      p.status = body.status;
      if (body.status === 'disputed') p.dispute_reason = body.note;
    }
    p.version += 1;
    return p;
  }

  return { problems, audit, get, patch };
}
