// Vigil dashboard: plain JavaScript, no build step. Talks only to the REST API of the server that serves it.
// Everything shown comes from /api/v1/...; live changes arrive on /api/v1/events/stream (server-sent events, read
// with fetch so that the Authorization header goes along). All text goes into the page through textContent.
'use strict';

const TOKEN_KEY = 'vigil.token';
const state = {
  view: 'overview',
  sources: { offset: 0, sort: 'name', rows: new Map() },
  source: null,
  readOnly: false,
  monitors: [],
  stream: null,
  reloadTimer: null,
};

// ------------------------------------------------------------------ API calls, sign-in, roles

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.error) || ('HTTP ' + status));
    this.status = status;
    this.body = body;
  }
}

let signinWaiters = null;

function authHeaders() {
  const t = sessionStorage.getItem(TOKEN_KEY);
  return t ? { Authorization: 'Bearer ' + t } : {};
}

/** Asks for a token once for all callers that got a 401; resolves when the operator signed in. */
function askToken() {
  if (!signinWaiters) {
    signinWaiters = [];
    const dlg = document.getElementById('signin');
    dlg.showModal();
  }
  return new Promise(resolve => signinWaiters.push(resolve));
}

async function api(path, options = {}) {
  const opts = { ...options, headers: { ...authHeaders(), ...(options.headers || {}) } };
  if (opts.json !== undefined) {
    opts.body = JSON.stringify(opts.json);
    opts.headers['Content-Type'] = 'application/json';
    delete opts.json;
  }
  const res = await fetch(path, opts);
  if (res.status === 401) {
    await askToken();
    return api(path, options);
  }
  const text = await res.text();
  let body = null;
  if (text && (res.headers.get('Content-Type') || '').includes('json')) body = JSON.parse(text);
  if (res.status === 403 && opts.method && opts.method !== 'GET') setReadOnly(true);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

function setReadOnly(on) {
  state.readOnly = on;
  document.body.classList.toggle('read-only', on);
  document.getElementById('readonly').hidden = !on;
  for (const el of document.querySelectorAll('.mutation button, .mutation input, .mutation select, button.expire')) {
    el.disabled = on;
  }
  if (on) notice('Your token may read but not change anything (role read): silences and dependencies are read-only.');
}

function notice(text, isError) {
  const n = document.getElementById('notice');
  n.textContent = text;
  n.classList.toggle('error', !!isError);
  n.hidden = !text;
}

function reportError(e) {
  notice(e instanceof ApiError ? e.message + ' (HTTP ' + e.status + ')' : String(e.message || e), true);
}

// ------------------------------------------------------------------ small DOM helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k === 'class') e.className = v;
    else if (k === 'onclick') e.addEventListener('click', v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function fill(tbody, rows, emptyText, columns) {
  tbody.replaceChildren(...rows);
  if (rows.length === 0) tbody.append(el('tr', { class: 'empty' }, el('td', { colspan: columns || 8 }, emptyText || 'none')));
}

function facts(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) dl.append(el('dt', null, k), el('dd', null, v === null || v === undefined ? '—' : v));
}

function fmtTime(iso) {
  if (!iso) return '—';
  const d = typeof iso === 'number' ? new Date(iso) : new Date(iso);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function fmtDuration(ms) {
  if (ms < 0) ms = 0;
  if (ms < 1000) return Math.round(ms) + ' ms';
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return m + ' min ' + (s % 60) + ' s';
  const h = Math.floor(m / 60);
  if (h < 48) return h + ' h ' + (m % 60) + ' min';
  return Math.floor(h / 24) + ' d ' + (h % 24) + ' h';
}

function stateBadge(s) {
  return el('span', { class: 'state state-' + s.toLowerCase() }, s);
}

function sourceLink(eventName, sourceName) {
  return el('a', { href: '#/source/' + encodeURIComponent(eventName) + '/' + encodeURIComponent(sourceName) }, sourceName);
}

/** A table of arbitrary objects: the columns are the union of their keys; nested values as compact JSON. */
function genericTable(table, items, emptyText) {
  const keys = [];
  for (const it of items) for (const k of Object.keys(it)) if (!keys.includes(k)) keys.push(k);
  table.tHead.replaceChildren(el('tr', null, ...keys.map(k => el('th', null, k))));
  fill(table.tBodies[0], items.map(it => el('tr', null, ...keys.map(k => {
    const v = it[k];
    return el('td', null, v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  }))), emptyText, Math.max(1, keys.length));
}

// ------------------------------------------------------------------ views

const views = {
  async overview() {
    const [status, monitors, outages] = await Promise.all([
      api('/api/v1/status'), api('/api/v1/monitors'),
      api('/api/v1/sources?state=MISSING&sort=lastSeen&limit=100')]);
    renderHeader(status);
    const c = status.counts;
    const card = (label, value, cls) => el('div', { class: 'card ' + (cls || '') }, el('div', { class: 'value' }, value), el('div', { class: 'label' }, label));
    document.getElementById('summary').replaceChildren(
      card('sources', c.sources), card('ALIVE', c.alive, 'ok'), card('MISSING', c.missing, c.missing ? 'bad' : ''),
      card('UNKNOWN', c.unknown), card('monitors', c.monitors), card('heartbeats accepted', c.heartbeatsAccepted),
      card('role', status.role, status.role === 'ACTIVE' ? 'ok' : 'warn'));
    state.monitors = monitors.monitors;
    fillMonitorSelect();
    fill(document.querySelector('#monitors tbody'), monitors.monitors.map(m => el('tr', null,
      el('td', null, el('a', { href: '#/sources?eventName=' + encodeURIComponent(m.eventName) }, m.eventName)),
      el('td', null, m.heartbeatInterval + ' × ' + m.missedHeartbeats),
      el('td', null, m.sources ? m.sources.alive : '—'),
      el('td', { class: m.sources && m.sources.missing ? 'bad' : '' }, m.sources ? m.sources.missing : '—'),
      el('td', null, m.sources ? m.sources.unknown : '—'),
      el('td', null, m.sources ? m.sources.total : '—'))), 'no monitors', 6);
    document.getElementById('outages-total').textContent = outages.total > outages.count
      ? '(' + outages.count + ' of ' + outages.total + ')' : '(' + outages.total + ')';
    fill(document.querySelector('#outages tbody'), outages.sources.map(s => el('tr', null,
      el('td', null, sourceLink(s.eventName, s.sourceName)), el('td', null, s.eventName),
      el('td', null, fmtTime(s.alarmStart)),
      el('td', { class: 'duration', dataset: { since: s.alarmStart } }, fmtDuration(Date.now() - s.alarmStart)),
      el('td', null, s.onsetHeld || ''), el('td', { class: 'mono' }, s.requestID || ''))), 'no open outages', 6);
  },

  async sources(params) {
    const form = document.getElementById('filters');
    if (params) {
      for (const [k, v] of params) if (form.elements[k]) form.elements[k].value = v;
      state.sources.offset = 0;
    }
    if (state.monitors.length === 0) {
      state.monitors = (await api('/api/v1/monitors')).monitors;
      fillMonitorSelect();
      if (params && params.get('eventName')) form.elements.eventName.value = params.get('eventName');
    }
    await loadSources();
  },

  async source(params, eventName, sourceName) {
    state.source = { eventName, sourceName };
    document.getElementById('source-title').replaceChildren(sourceName, el('span', { class: 'muted' }, ' · ' + eventName));
    const q = 'eventName=' + encodeURIComponent(eventName) + '&sourceName=' + encodeURIComponent(sourceName);
    const [s, events, held] = await Promise.all([
      api('/api/v1/sources/' + encodeURIComponent(eventName) + '/' + encodeURIComponent(sourceName)),
      api('/api/v1/events?since=7d&limit=1000&' + q),
      api('/api/v1/events/held?since=7d&limit=1000')]);
    renderSourceFacts(s);
    const outages = new Map();
    for (const e of events.events) {
      const id = (e.payload && e.payload.requestID) || e.eventId;
      const o = outages.get(id) || { id };
      if (e.kind === 'ONSET' && !o.start) o.start = e.timeMillis;
      if (e.kind === 'ABATED') o.end = e.timeMillis;
      outages.set(id, o);
    }
    fill(document.querySelector('#source-outages tbody'), [...outages.values()].reverse().map(o => el('tr', null,
      el('td', { class: 'mono' }, o.id), el('td', null, o.start ? fmtTime(o.start) : '—'),
      el('td', null, o.end ? fmtTime(o.end) : 'open'),
      el('td', o.end ? null : { class: 'duration', dataset: { since: o.start } },
        o.start ? fmtDuration((o.end || Date.now()) - o.start) : '—'))), 'no outage in the last 7 days', 4);
    fill(document.querySelector('#source-events tbody'), events.events.slice().reverse().map(e => el('tr', null,
      el('td', null, fmtTime(e.time)), el('td', null, e.kind),
      el('td', { class: 'mono' }, (e.payload && e.payload.requestID) || ''), el('td', { class: 'mono' }, e.eventId))),
      'no published event in the last 7 days', 4);
    const mine = held.events.filter(h => h.eventName === eventName && h.sourceName === sourceName);
    fill(document.querySelector('#source-held tbody'), mine.reverse().map(h => el('tr', null,
      el('td', null, fmtTime(h.time)), el('td', null, h.kind), el('td', null, h.reason || ''), el('td', null, h.heldBy || ''))),
      'nothing held', 4);
  },

  async silences() {
    const [silences, deps, held] = await Promise.all([
      api('/api/v1/silences'), api('/api/v1/dependencies'), api('/api/v1/events/held?since=24h&limit=500')]);
    fill(document.querySelector('#silences tbody'), silences.silences.map(s => el('tr', { dataset: { id: s.id } },
      el('td', null, matcherText(s.matchers)),
      el('td', null, s.startsAt ? fmtTime(s.startsAt) + ' → ' + fmtTime(s.endsAt) : (s.start + ' for ' + s.duration + ' ' + (s.timeZone || ''))),
      el('td', null, s.active ? 'yes' : 'no'), el('td', null, s.comment || ''), el('td', null, s.origin),
      el('td', null, s.origin === 'api' ? el('button', { class: 'expire', onclick: () => expire('silences', s.id) }, 'expire') : ''))),
    'no silences', 6);
    fill(document.querySelector('#dependencies tbody'), deps.dependencies.map(d => el('tr', null,
      el('td', null, matcherText(d.child)), el('td', null, sourceLink(d.parent.eventName, d.parent.sourceName)),
      el('td', null, d.origin),
      el('td', null, d.origin === 'api' ? el('button', { class: 'expire', onclick: () => expire('dependencies', d.id) }, 'delete') : ''))),
    'no dependencies', 4);
    fill(document.querySelector('#held tbody'), held.events.slice().reverse().map(h => el('tr', null,
      el('td', null, fmtTime(h.time)), el('td', null, sourceLink(h.eventName, h.sourceName)), el('td', null, h.kind),
      el('td', null, h.reason || ''), el('td', null, h.heldBy || ''))), 'nothing held', 5);
    setReadOnly(state.readOnly);
  },

  async system() {
    const status = await api('/api/v1/status');
    renderHeader(status);
    const ha = status.ha || {};
    facts(document.getElementById('ha'), [
      ['role', status.role], ['instance', status.instanceId], ['epoch', status.epoch], ['active instance', status.activeId],
      ['lease expires', fmtTime(status.leaseExpiresAt)], ['lease TTL', ha.leaseTtlMillis ? ha.leaseTtlMillis + ' ms' : null],
      ['phase', ha.phase], ['mode', ha.mode], ['HA enabled', String(!!ha.enabled)], ['store healthy', String(status.storeHealthy)],
      ['state', status.state], ['version', status.version], ['started', fmtTime(status.startedAt)]]);
    fill(document.querySelector('#instances tbody'), (ha.instances || []).map(i => el('tr', null,
      el('td', null, i.instanceId + (i.instanceId === status.activeId ? ' (active)' : '')), el('td', null, i.url || ''),
      el('td', null, fmtTime(i.startedAt)), el('td', null, fmtTime(i.seenAt)))),
    ha.enabled ? 'no instance registered' : 'single instance (ha.enabled false)', 4);
    fill(document.querySelector('#channels tbody'), channelRows(status.ingest || {}), 'no ingest channel reported', 6);
    fill(document.querySelector('#sinks tbody'), (status.sinks || []).map(s => {
      const { name, delivered, lag, failedAttempts, ...rest } = s;
      return el('tr', null, el('td', null, name), el('td', null, delivered), el('td', { class: lag > 0 ? 'warn' : '' }, lag),
        el('td', { class: failedAttempts > 0 ? 'bad' : '' }, failedAttempts), el('td', { class: 'mono' }, compact(rest)));
    }), 'no sinks', 5);
  },

  async pull() {
    // the index lists the pull side's routes only when it is configured: no 404 (and no console error) otherwise
    const index = await api('/api/v1');
    const configured = (index.endpoints || []).some(e => /^GET \/api\/v1\/heartbeat(\?|$)/.test(e));
    document.getElementById('pull-missing').hidden = configured;
    for (const id of ['pull-facts', 'pull-instances', 'pull-services', 'pull-collectors', 'pull-delayed', 'pull-plans']) {
      document.getElementById(id).hidden = !configured;
    }
    if (!configured) return;
    const hb = await api('/api/v1/heartbeat');
    facts(document.getElementById('pull-facts'), [['time', fmtTime(hb.time)], ['round', hb.round], ['hostname', hb.hostname],
      ['age', hb.time ? fmtDuration(Date.now() - Date.parse(hb.time)) : null]]);
    genericTable(document.getElementById('pull-instances'), (hb.instances_status || {}).instances || [], 'no instances');
    genericTable(document.getElementById('pull-services'), (hb.services_status || {}).services || [], 'no services');
    const [collect, delayed, plans] = await Promise.all([
      api('/api/v1/collect').catch(() => ({ collectors: [] })),
      api('/api/v1/actions/delayed').catch(() => ({ actions: [] })),
      api('/api/v1/actions/plans').catch(() => ({ plans: [] }))]);
    genericTable(document.getElementById('pull-collectors'), collect.collectors || [], 'no collectors');
    genericTable(document.getElementById('pull-delayed'), delayed.actions || [], 'no delayed actions');
    genericTable(document.getElementById('pull-plans'), plans.plans || [], 'no plans');
  },
};

function compact(obj) {
  const keys = Object.keys(obj);
  return keys.length ? keys.map(k => k + '=' + (typeof obj[k] === 'object' ? JSON.stringify(obj[k]) : obj[k])).join(', ') : '';
}

/**
 * The ingest channels of /api/v1/status: {@code ingest.channels} (per channel: watermark, lag, blind, held sources,
 * parts) when the server reports it, else the held channels and the DMaaP poller.
 */
function channelRows(ingest) {
  const rows = [];
  const held = ingest.held || {};
  const row = (name, working, lag, watermark, heldSources, details) => el('tr', null, el('td', null, name),
    el('td', { class: working ? 'ok' : 'bad' }, working ? 'working' : 'held'),
    el('td', { class: lag > 5000 ? 'warn' : '' }, lag === null || lag === undefined ? '—' : fmtDuration(lag)),
    el('td', null, watermark ? fmtTime(watermark) : '—'), el('td', null, heldSources === undefined ? '—' : heldSources),
    el('td', { class: 'mono' }, details));
  if (ingest.channels && typeof ingest.channels === 'object') {
    for (const [name, ch] of Object.entries(ingest.channels)) {
      const working = !ch.blind && held[name] === undefined;
      const parts = (ch.parts || []).map(p => p.name + (p.blind ? ' (blind)' : '') + ' ' + fmtDuration(p.lagMillis)).join(', ');
      rows.push(row(name, working, ch.lagMillis, ch.watermark, ch.heldSources, [held[name], parts].filter(Boolean).join('; ')));
    }
    for (const [name, why] of Object.entries(held)) if (!ingest.channels[name]) rows.push(row(name, false, null, null, undefined, why));
    return rows;
  }
  for (const [ch, why] of Object.entries(held)) rows.push(row(ch, false, null, null, undefined, why));
  if (ingest.dmaap && held.dmaap === undefined) rows.push(row('dmaap', true, null, null, undefined, ingest.dmaap));
  if (held.http === undefined) rows.push(row('http', true, null, null, undefined, 'VES listener'));
  return rows;
}

function matcherText(m) {
  if (!m) return '*/*';
  return (m.eventName || '*') + ' / ' + (m.sourceName || '*');
}

function renderHeader(status) {
  const role = document.getElementById('role');
  role.textContent = status.role + ' · epoch ' + status.epoch;
  role.className = 'badge ' + (status.role === 'ACTIVE' ? 'ok' : 'warn');
}

function renderSourceFacts(s) {
  facts(document.getElementById('source-facts'), [
    ['state', stateBadge(s.state)], ['last seen', fmtTime(s.lastSeen)], ['channel', s.channel],
    ['suspicion', el('span', null, el('meter', { min: 0, max: 1, value: Math.min(1, s.suspicion), title: String(s.suspicion) }), ' ' + s.suspicion.toFixed(3))],
    ['flapping', String(s.flapping)], ['deadline', s.deadline ? fmtTime(s.deadline) : null],
    ['outage', s.requestID ? s.requestID + ' since ' + fmtTime(s.alarmStart) : null],
    ['ONSET held', s.onsetHeld || null], ['held by', s.heldBy]]);
}

function fillMonitorSelect() {
  const sel = document.querySelector('#filters select[name=eventName]');
  const keep = sel.value;
  sel.replaceChildren(el('option', { value: '' }, 'any monitor'), ...state.monitors.map(m => el('option', { value: m.eventName }, m.eventName)));
  sel.value = keep;
}

function sourcesQuery() {
  const form = document.getElementById('filters');
  const p = new URLSearchParams();
  for (const k of ['q', 'state', 'eventName', 'channel', 'flapping', 'limit']) {
    const v = form.elements[k].value.trim();
    if (v) p.set(k, v);
  }
  p.set('sort', state.sources.sort);
  p.set('offset', state.sources.offset);
  return p;
}

async function loadSources() {
  const p = sourcesQuery();
  const page = await api('/api/v1/sources?' + p);
  const limit = Number(p.get('limit'));
  state.sources.rows = new Map();
  const rows = page.sources.map(s => {
    const tr = el('tr', { dataset: { key: s.eventName + '\u0000' + s.sourceName } },
      el('td', null, sourceLink(s.eventName, s.sourceName)), el('td', null, s.eventName),
      el('td', { class: 'cell-state' }, stateBadge(s.state)), el('td', { class: 'cell-seen' }, fmtTime(s.lastSeen)),
      el('td', null, s.channel || '—'), el('td', null, s.suspicion.toFixed(2)),
      el('td', null, [s.flapping ? 'flapping' : '', s.onsetHeld ? 'held: ' + s.onsetHeld : '', s.heldBy ? 'by ' + s.heldBy : ''].filter(Boolean).join('; ')));
    state.sources.rows.set(tr.dataset.key, tr);
    return tr;
  });
  fill(document.querySelector('#sources tbody'), rows, 'no source matches', 7);
  const from = page.total === 0 ? 0 : page.offset + 1;
  document.getElementById('range').textContent = from + '–' + (page.offset + page.count) + ' of ' + page.total;
  document.getElementById('prev').disabled = page.offset === 0;
  document.getElementById('next').disabled = page.offset + page.count >= page.total;
  for (const th of document.querySelectorAll('#sources th[data-sort]')) {
    const s = state.sources.sort;
    th.classList.toggle('asc', s === th.dataset.sort);
    th.classList.toggle('desc', s === '-' + th.dataset.sort);
  }
  state.sources.limit = limit;
}

// ------------------------------------------------------------------ live changes

function onChange(ev) {
  const feed = document.getElementById('feed');
  feed.prepend(el('li', { class: 'kind-' + ev.kind.toLowerCase() }, el('time', null, fmtTime(ev.time)), ' ',
    el('strong', null, ev.kind), ' ', sourceLink(ev.eventName, ev.sourceName), el('span', { class: 'muted' }, ' ' + ev.eventName + ' — ' + (ev.reason || ''))));
  while (feed.children.length > 50) feed.lastChild.remove();
  // update the row in place at once, then refresh the view (filters, counts) a little later
  const tr = state.sources.rows.get(ev.eventName + '\u0000' + ev.sourceName);
  if (tr) {
    tr.querySelector('.cell-state').replaceChildren(stateBadge(ev.state));
    if (ev.lastSeenMillis > 0) tr.querySelector('.cell-seen').textContent = fmtTime(ev.lastSeenMillis);
    tr.classList.remove('flash');
    void tr.offsetWidth;
    tr.classList.add('flash');
  }
  if (state.source && state.source.eventName === ev.eventName && state.source.sourceName === ev.sourceName) {
    const dd = document.querySelector('#source-facts dd');
    if (dd) dd.replaceChildren(stateBadge(ev.state));
  }
  scheduleReload(state.view === 'sources' ? 1500 : 700);
}

function scheduleReload(ms) {
  if (state.reloadTimer || state.view === 'pull' || state.view === 'silences') return;
  state.reloadTimer = setTimeout(() => {
    state.reloadTimer = null;
    show(true);
  }, ms);
}

/** Reads /api/v1/events/stream with fetch (an EventSource cannot send the Authorization header); reconnects. */
async function openStream() {
  const live = document.getElementById('live');
  const controller = new AbortController();
  state.stream = controller;
  try {
    const res = await fetch('/api/v1/events/stream', { headers: authHeaders(), signal: controller.signal });
    if (res.status === 401) {
      await askToken();
      return openStream();
    }
    if (!res.ok || !res.body) throw new Error('event stream answered ' + res.status);
    live.className = 'live on';
    live.title = 'live change events: connected';
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buf = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += value.replace(/\r\n/g, '\n');
      let cut;
      while ((cut = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, cut);
        buf = buf.slice(cut + 2);
        let type = 'message';
        const data = [];
        for (const line of frame.split('\n')) {
          if (line.startsWith('event:')) type = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
        }
        if (type === 'change' && data.length) onChange(JSON.parse(data.join('\n')));
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') return;
  }
  live.className = 'live off';
  live.title = 'live change events: reconnecting';
  setTimeout(() => { openStream(); show(true); }, 2000);
}

// ------------------------------------------------------------------ mutations

async function createSilence(matchers, minutes, comment) {
  const now = Date.now();
  await api('/api/v1/silences', { method: 'POST', json: {
    matchers, startsAt: new Date(now).toISOString(), endsAt: new Date(now + minutes * 60000).toISOString(), comment: comment || null } });
}

async function expire(kind, id) {
  try {
    await api('/api/v1/' + kind + '/' + encodeURIComponent(id), { method: 'DELETE' });
    notice('');
    await views.silences();
  } catch (e) {
    reportError(e);
  }
}

function wireForms() {
  document.getElementById('filters').addEventListener('input', () => {
    state.sources.offset = 0;
    clearTimeout(state.filterTimer);
    state.filterTimer = setTimeout(() => loadSources().catch(reportError), 200);
  });
  document.getElementById('filters').addEventListener('submit', e => e.preventDefault());
  for (const th of document.querySelectorAll('#sources th[data-sort]')) {
    th.addEventListener('click', () => {
      const k = th.dataset.sort;
      state.sources.sort = state.sources.sort === k ? '-' + k : k;
      state.sources.offset = 0;
      loadSources().catch(reportError);
    });
  }
  document.getElementById('prev').addEventListener('click', () => {
    state.sources.offset = Math.max(0, state.sources.offset - (state.sources.limit || 50));
    loadSources().catch(reportError);
  });
  document.getElementById('next').addEventListener('click', () => {
    state.sources.offset += state.sources.limit || 50;
    loadSources().catch(reportError);
  });
  document.getElementById('silence-form').addEventListener('submit', async e => {
    e.preventDefault();
    const f = e.target.elements;
    try {
      await createSilence({ eventName: f.eventName.value.trim() || null, sourceName: f.sourceName.value.trim() || null },
        Number(f.minutes.value), f.comment.value.trim());
      e.target.reset();
      notice('Silence created.');
      await views.silences();
    } catch (err) {
      reportError(err);
    }
  });
  document.getElementById('silence-source').addEventListener('submit', async e => {
    e.preventDefault();
    const f = e.target.elements;
    try {
      await createSilence({ eventName: state.source.eventName, sourceName: state.source.sourceName }, Number(f.minutes.value), f.comment.value.trim());
      notice('Silence created for ' + state.source.sourceName + '.');
    } catch (err) {
      reportError(err);
    }
  });
  document.getElementById('dependency-form').addEventListener('submit', async e => {
    e.preventDefault();
    const f = e.target.elements;
    try {
      await api('/api/v1/dependencies', { method: 'POST', json: {
        child: { eventName: f.childEventName.value.trim() || null, sourceName: f.childSourceName.value.trim() || null },
        parent: { eventName: f.parentEventName.value.trim(), sourceName: f.parentSourceName.value.trim() } } });
      e.target.reset();
      notice('Dependency created.');
      await views.silences();
    } catch (err) {
      reportError(err);
    }
  });
  document.getElementById('signin-form').addEventListener('submit', e => {
    const token = e.target.elements.token.value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    e.target.reset();
    document.getElementById('signout').hidden = false;
    const waiters = signinWaiters || [];
    signinWaiters = null;
    waiters.forEach(w => w());
  });
  document.getElementById('signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
}

// ------------------------------------------------------------------ routing

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean);
  const params = new URLSearchParams(query || '');
  if (parts[0] === 'source' && parts.length === 3) return { view: 'source', params, args: [decodeURIComponent(parts[1]), decodeURIComponent(parts[2])] };
  const view = views[parts[0]] ? parts[0] : 'overview';
  return { view, params: query ? params : null, args: [] };
}

async function show(refresh) {
  const r = route();
  state.view = r.view;
  if (r.view !== 'source') state.source = null;
  for (const v of document.querySelectorAll('.view')) v.hidden = v.id !== 'view-' + r.view;
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.dataset.view === r.view);
  try {
    await views[r.view](refresh ? null : r.params, ...r.args);
    if (!refresh) notice('');
  } catch (e) {
    reportError(e);
  }
}

setInterval(() => {
  for (const td of document.querySelectorAll('td.duration[data-since]')) td.textContent = fmtDuration(Date.now() - Number(td.dataset.since));
}, 1000);

window.addEventListener('hashchange', () => show(false));
document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('signout').hidden = !sessionStorage.getItem(TOKEN_KEY);
  wireForms();
  show(false);
  openStream();
});
