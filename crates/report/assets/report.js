/* trustgate HTML report. Everything from the snapshot is data: it enters the page only through
 * textContent, attribute values and Cytoscape labels (drawn on a canvas), never as HTML. */
(function () {
  'use strict';
  // The data: plain JSON, or gzip+base64 for large organizations (inflated by the browser).
  function load(done) {
    var node = document.getElementById('tg-data');
    if (node.getAttribute('data-encoding') !== 'gzip-base64') { done(JSON.parse(node.textContent)); return; }
    var bin = atob(node.textContent.trim());
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    new Response(stream).text().then(function (t) { done(JSON.parse(t)); }, function (e) {
      document.getElementById('headline').textContent = 'This report could not be read: ' + e;
    });
  }
  load(main);
  function main(D) {
  D.relationships.forEach(function (r) { r.conditions = r.conditions || []; r.restrictedBy = r.restrictedBy || []; });
  D.roles.forEach(function (r) { r.permissions = r.permissions == null ? null : D.permissionSets[r.permissions]; });
  var SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];
  var SCOPES = ['same-account', 'internal', 'third-party', 'public', 'service', 'federated', 'unknown'];
  var SCOPE_COLORS = {
    'same-account': '#8a94a6', internal: '#2457c5', 'third-party': '#d0341f', public: '#8e1020',
    service: '#2e8b57', federated: '#7b4bb7', unknown: '#e08a00'
  };
  var SEV_COLORS = { critical: '#8e1020', high: '#d0341f', medium: '#e08a00', low: '#3b7dd8', info: '#7a8594' };
  var PAGE = 100;

  // ---------- small DOM helpers (text only) ----------
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k) || attrs[k] == null) continue;
        if (k === 'text') e.textContent = String(attrs[k]);
        else if (k === 'onclick') e.addEventListener('click', attrs[k]);
        else e.setAttribute(k, String(attrs[k]));
      }
    }
    for (var i = 2; i < arguments.length; i++) append(e, arguments[i]);
    return e;
  }
  // append(parent, child…): children may be nodes, strings (as text), arrays, or null.
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child == null || child === false) continue;
      if (Array.isArray(child)) { append.apply(null, [parent].concat(child)); continue; }
      parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    }
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function $(id) { return document.getElementById(id); }
  function sev(s) { return el('span', { 'class': 'sev ' + s, text: s }); }
  function pill(t, cls) { return el('span', { 'class': 'pill' + (cls ? ' ' + cls : ''), text: t }); }
  function option(sel, value, label) { sel.appendChild(el('option', { value: value, text: label })); }
  function fmtSeconds(s) { return s % 3600 === 0 ? (s / 3600) + ' h' : Math.round(s / 60) + ' min'; }
  function accountOfArn(arn) {
    var m = /^arn:[^:]*:[^:]*::(\d{12}):/.exec(arn || '');
    return m ? m[1] : null;
  }

  // ---------- indexes ----------
  var accountsById = {};
  D.accounts.forEach(function (a) { accountsById[a.id] = a; });
  var roleByArn = {};
  D.roles.forEach(function (r, i) { roleByArn[r.arn] = i; });
  var findingsByResource = {};
  D.findings.forEach(function (f) { (findingsByResource[f.resource] = findingsByResource[f.resource] || []).push(f); });
  var rulesById = {};
  D.rules.forEach(function (r) { rulesById[r.id] = r; });
  var nowMs = Date.parse(D.meta.now) || Date.now();
  var staleMs = D.meta.staleDays * 86400000;
  function accountLabel(id) {
    var a = accountsById[id];
    if (!a) return id;
    var name = a.name || a.vendor;
    return name ? name + ' (' + id + ')' : id;
  }
  function usedState(role) {
    if (!role.lastUsed) return 'never';
    var t = Date.parse(role.lastUsed);
    if (isNaN(t)) return 'unknown';
    return nowMs - t > staleMs ? 'stale' : 'recent';
  }
  // Relationship rows joined with their role, for the table, the filters and the CSV.
  var REL = D.relationships.map(function (r, i) {
    var role = D.roles[r.role];
    var search = [role.arn, role.name, role.account, accountLabel(role.account), r.trusted, r.vendor || '',
      r.scope, r.conditions.join(' '), r.actions.join(' '), r.statement]
      .concat(Object.keys(role.tags).map(function (k) { return k + '=' + role.tags[k]; }))
      .join('\n').toLowerCase();
    return { i: i, r: r, role: role, used: usedState(role), search: search,
      findings: (findingsByResource[role.arn] || []).length };
  });

  // ---------- tabs ----------
  var graphStarted = false;
  function showTab(name) {
    document.querySelectorAll('#tabs button').forEach(function (b) {
      b.setAttribute('aria-selected', b.getAttribute('data-tab') === name ? 'true' : 'false');
    });
    document.querySelectorAll('section.tab').forEach(function (s) { s.hidden = s.id !== 'tab-' + name; });
    if (name === 'graph' && !graphStarted) { graphStarted = true; startGraph(); }
    if (name === 'graph' && cy) { cy.resize(); }
  }
  document.querySelectorAll('#tabs button').forEach(function (b) {
    b.addEventListener('click', function () { showTab(b.getAttribute('data-tab')); });
  });

  // ---------- header & overview ----------
  $('meta-line').textContent = D.meta.snapshot + ' · ' + D.meta.generatedAt + ' · v' + D.meta.version;
  $('count-findings').textContent = D.summary.findings;
  $('count-registry').textContent = D.relationships.length;
  $('count-paths').textContent = D.paths.length;

  function card(n, label) { return el('div', { 'class': 'card' }, el('div', { 'class': 'n', text: n }), el('div', { 'class': 'muted', text: label })); }
  var inSnap = D.accounts.filter(function (a) { return a.inSnapshot; }).length;
  var crossRoles = {};
  D.relationships.forEach(function (r) { if (r.scope === 'internal' || r.scope === 'third-party' || r.scope === 'public') crossRoles[r.role] = true; });
  append($('cards'), [
    card(inSnap, 'accounts in the snapshot'),
    card(D.accounts.length - inSnap, 'other accounts trusted'),
    card(D.roles.length, 'roles'),
    card(Object.keys(crossRoles).length, 'roles assumable from other accounts'),
    card(D.relationships.length, 'trust relationships'),
    card(D.summary.findings, 'findings')
  ]);

  (function headline() {
    var h = $('headline');
    var outside = D.paths.filter(function (p) { return p.fromOutside; });
    var worst = outside.filter(function (p) { return p.endsAdmin; })[0] || outside[0];
    if (!worst) {
      h.className = 'headline ok';
      append(h, el('h2', { text: 'No role is reachable from outside the organization' }),
        el('p', { 'class': 'muted', text: 'Paths searched from every principal outside the organization and from anyone (*), up to 8 hops.' }));
      return;
    }
    h.className = 'headline bad';
    var admins = outside.filter(function (p) { return p.endsAdmin; }).length;
    append(h, el('h2', { text: outside.length + ' role' + (outside.length === 1 ? ' is' : 's are') + ' reachable from outside the organization' +
      (admins ? ', ' + admins + ' of them admin-equivalent' : '') }));
    append(h, el('div', {}, 'Worst path: ', pathText(worst), ' ',
      el('button', { 'class': 'link', type: 'button', text: 'show in graph', onclick: function () { highlightPath(worst); } })));
  })();

  function pathText(p) {
    var parts = [shortName(p.from)];
    p.hops.forEach(function (h) { parts.push(' → ' + shortName(h.to) + (h.decision === 'conditional' ? ' (if ' + h.conditions.join(' OR ') + ')' : '')); });
    return el('span', { 'class': 'mono', text: parts.join('') + (p.endsAdmin ? '  [admin-equivalent]' : '') });
  }
  function shortName(id) {
    var m = /^arn:[^:]*:(iam|sts)::(\d{12}):(.*)$/.exec(id);
    if (!m) return id;
    return accountLabel(m[2]) + ':' + m[3];
  }

  // Horizontal bar chart in SVG (two dozen lines: a chart library would add 200 KB to each report).
  function barChart(fig, title, items, onClick) {
    clear(fig);
    append(fig, el('figcaption', { text: title }));
    if (!items.length) { append(fig, el('p', { 'class': 'muted', text: 'nothing to show' })); return; }
    var NS = 'http://www.w3.org/2000/svg', rowH = 20, labelW = 230, width = 640;
    var max = Math.max.apply(null, items.map(function (i) { return i.value; })) || 1;
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + (items.length * rowH + 4));
    svg.setAttribute('width', '100%');
    svg.style.maxWidth = width + 'px'; // never scaled above its natural size
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', title);
    items.forEach(function (it, k) {
      var y = k * rowH + 2;
      var g = document.createElementNS(NS, 'g');
      var label = document.createElementNS(NS, 'text');
      label.setAttribute('x', labelW - 6); label.setAttribute('y', y + 14); label.setAttribute('text-anchor', 'end');
      label.textContent = it.label.length > 34 ? it.label.slice(0, 33) + '…' : it.label;
      var t = document.createElementNS(NS, 'title'); t.textContent = it.label + ': ' + it.value; g.appendChild(t);
      var bar = document.createElementNS(NS, 'rect');
      var w = Math.max(2, (width - labelW - 50) * it.value / max);
      bar.setAttribute('x', labelW); bar.setAttribute('y', y + 3); bar.setAttribute('height', rowH - 6); bar.setAttribute('width', w);
      bar.setAttribute('fill', it.color || '#2457c5');
      var v = document.createElementNS(NS, 'text');
      v.setAttribute('x', labelW + w + 4); v.setAttribute('y', y + 14); v.textContent = it.value;
      g.appendChild(label); g.appendChild(bar); g.appendChild(v);
      if (onClick) { g.style.cursor = 'pointer'; g.addEventListener('click', function () { onClick(it); }); }
      svg.appendChild(g);
    });
    fig.appendChild(svg);
  }
  function countBy(list, key) {
    var m = {};
    list.forEach(function (x) { var k = key(x); if (k != null) m[k] = (m[k] || 0) + 1; });
    return m;
  }
  var byScope = countBy(D.relationships, function (r) { return r.scope; });
  barChart($('chart-scope'), 'Trust relationships by scope', SCOPES.filter(function (s) { return byScope[s]; }).map(function (s) {
    return { label: s, value: byScope[s], color: SCOPE_COLORS[s], scope: s };
  }), function (it) { setRegistryFilter({ scope: it.scope }); });
  var bySev = D.summary.bySeverity || countBy(D.findings, function (f) { return f.severity; });
  barChart($('chart-severity'), 'Findings by severity', SEVERITIES.filter(function (s) { return bySev[s]; }).map(function (s) {
    return { label: s, value: bySev[s], color: SEV_COLORS[s], severity: s };
  }), function (it) { $('findings-severity').value = it.severity; renderFindings(); showTab('findings'); });
  barChart($('chart-rule'), 'Findings by rule', D.rules.filter(function (r) { return r.findings; }).sort(function (a, b) { return b.findings - a.findings; }).map(function (r) {
    return { label: r.id + ' ' + r.name, value: r.findings, color: SEV_COLORS[r.severity] };
  }));
  barChart($('chart-account'), 'Findings by account (top 20)', D.findingsByAccount.slice(0, 20).map(function (a) {
    return { label: accountLabel(a[0]), value: a[1], account: a[0] };
  }), function (it) { $('findings-search').value = it.account; renderFindings(); showTab('findings'); });
  (function staleChart() {
    // Roles with cross-account trust by the month they were last used: the stale tail to review.
    var months = {}, never = 0;
    Object.keys(crossRoles).forEach(function (ri) {
      var r = D.roles[ri];
      if (!r.lastUsed) { never++; return; }
      var m = r.lastUsed.slice(0, 7);
      months[m] = (months[m] || 0) + 1;
    });
    var items = Object.keys(months).sort().map(function (m) {
      var end = Date.parse(m + '-28T00:00:00Z');
      return { label: m, value: months[m], color: nowMs - end > staleMs ? '#d0341f' : '#2e8b57' };
    });
    if (never) items.push({ label: 'never used', value: never, color: '#8e1020' });
    barChart($('chart-stale'), 'Cross-account roles by month last used (red: older than ' + D.meta.staleDays + ' days)', items,
      function (it) { setRegistryFilter({ used: it.label === 'never used' ? 'never' : 'stale' }); });
  })();
  if (D.warnings.length) {
    var w = el('div', { 'class': 'warn' }, el('strong', { text: 'Warnings while reading the snapshot (' + D.warnings.length + ')' }));
    var ul = el('ul');
    D.warnings.forEach(function (t) { ul.appendChild(el('li', { text: t })); });
    w.appendChild(ul);
    $('warnings').appendChild(w);
  }

  // ---------- findings ----------
  var fsel = $('findings-severity');
  option(fsel, '', 'all severities');
  SEVERITIES.forEach(function (s) { option(fsel, s, s); });
  $('findings-search').addEventListener('input', renderFindings);
  fsel.addEventListener('change', renderFindings);
  $('findings-clear').addEventListener('click', function () { $('findings-search').value = ''; fsel.value = ''; renderFindings(); });
  function renderFindings() {
    var q = $('findings-search').value.toLowerCase(), s = fsel.value;
    var box = clear($('findings-groups'));
    var groups = {};
    D.findings.forEach(function (f) {
      if (s && f.severity !== s) return;
      if (q && (f.resource + '\n' + f.account + '\n' + f.message + '\n' + f.rule).toLowerCase().indexOf(q) < 0) return;
      (groups[f.rule] = groups[f.rule] || []).push(f);
    });
    var ids = Object.keys(groups).sort();
    if (!ids.length) append(box, el('p', { 'class': 'muted', text: 'No findings match.' }));
    ids.forEach(function (id) {
      var rule = rulesById[id] || { id: id, name: '', title: '', severity: 'info', what: '', why: '', example: '', fix: '' };
      var det = el('details', { 'class': 'rule', id: 'rule-' + id });
      append(det, el('summary', {}, sev(rule.severity), ' ', id + ' ' + rule.name + ' — ' + rule.title + ' (' + groups[id].length + ')'));
      append(det, el('div', { 'class': 'doc' },
        el('strong', { text: 'What' }), el('div', { text: rule.what }),
        el('strong', { text: 'Why' }), el('div', { text: rule.why }),
        el('strong', { text: 'Example' }), el('pre', { 'class': 'mono', text: rule.example }),
        el('strong', { text: 'Fix' }), el('div', { text: rule.fix })));
      var t = el('table', { 'class': 'data' });
      append(t, el('tr', {}, ['Severity', 'Resource', 'Account', 'Message', ''].map(function (h) { return el('th', { text: h }); })));
      groups[id].forEach(function (f) {
        append(t, el('tr', { 'data-fingerprint': f.fingerprint },
          el('td', {}, sev(f.severity)), el('td', { 'class': 'mono', text: f.resource }),
          el('td', { text: accountLabel(f.account) }), el('td', { text: f.message }),
          el('td', {}, el('button', { 'class': 'link', type: 'button', text: 'relationships', onclick: function () { setRegistryFilter({ search: f.resource }); } }),
            roleByArn[f.resource] != null ? [' · ', el('button', { 'class': 'link', type: 'button', text: 'graph', onclick: function () { focusNode(f.resource); } })] : null)));
      });
      append(det, el('div', { 'class': 'table-wrap' }, t));
      if (D.findingsOmitted[id]) append(det, el('p', { 'class': 'muted', text: D.findingsOmitted[id] + ' more ' + id +
        ' findings are not embedded in this page: `trustgate scan --format json` or `--format csv` lists all of them.' }));
      box.appendChild(det);
    });
  }
  renderFindings();

  // ---------- registry ----------
  var COLUMNS = [
    { key: 'role', label: 'Role', get: function (x) { return x.role.arn; }, mono: true },
    { key: 'account', label: 'Account', get: function (x) { return accountLabel(x.role.account); } },
    { key: 'trusted', label: 'Trusted', get: function (x) { return x.r.trusted; }, mono: true },
    { key: 'scope', label: 'Scope', get: function (x) { return x.r.scope; } },
    { key: 'vendor', label: 'Vendor', get: function (x) { return x.r.vendor || ''; } },
    { key: 'actions', label: 'Actions', get: function (x) { return x.r.actions.join(' '); } },
    { key: 'conditions', label: 'Conditions', get: function (x) { return x.r.conditions.join('; '); } },
    { key: 'externalId', label: 'External ID', get: function (x) { return x.r.externalId ? 'yes' : 'no'; } },
    { key: 'mfa', label: 'MFA', get: function (x) { return x.r.mfa ? 'yes' : (x.r.mfaNote ? 'at IdP' : 'no'); } },
    { key: 'admin', label: 'Admin', get: function (x) { return x.role.permissions && x.role.permissions.adminEquivalent ? 'yes' : 'no'; } },
    { key: 'session', label: 'Max session', get: function (x) { return x.role.maxSessionSeconds; } },
    { key: 'lastUsed', label: 'Last used', get: function (x) { return x.role.lastUsed || 'never'; } },
    { key: 'findings', label: 'Findings', get: function (x) { return x.findings; } }
  ];
  // CloudTrail usage (scan/report --trail): three more columns when the data has it.
  if (REL.some(function (x) { return x.r.usage; })) {
    COLUMNS.splice(COLUMNS.length - 1, 0,
      { key: 'trailUses', label: 'CloudTrail uses', get: function (x) { return x.r.usage ? x.r.usage.successes : ''; } },
      { key: 'trailLast', label: 'CloudTrail last', get: function (x) { return x.r.usage && x.r.usage.lastUsed ? x.r.usage.lastUsed.slice(0, 10) : 'not used'; } },
      { key: 'trailCallers', label: 'Callers', get: function (x) { return x.r.usage ? x.r.usage.callers.join(' ') : ''; }, mono: true });
  }
  var regState = { sortKey: 'role', sortDir: 1, page: 0, rows: REL };
  function fillSelect(id, label, values) {
    var s = $(id);
    option(s, '', label);
    values.forEach(function (v) { option(s, v[0], v[1]); });
    s.addEventListener('change', function () { regState.page = 0; renderRegistry(); });
  }
  var acctIds = Object.keys(countBy(D.roles, function (r) { return r.account; })).sort();
  fillSelect('registry-account', 'all accounts', acctIds.map(function (a) { return [a, accountLabel(a)]; }));
  fillSelect('registry-scope', 'all scopes', SCOPES.filter(function (s) { return byScope[s]; }).map(function (s) { return [s, s]; }));
  var vendors = Object.keys(countBy(D.relationships, function (r) { return r.vendor || null; })).sort();
  fillSelect('registry-vendor', 'all vendors', vendors.map(function (v) { return [v, v]; }));
  fillSelect('registry-conditions', 'any conditions', [['external-id', 'with External ID'], ['no-external-id', 'without External ID'],
    ['mfa', 'with MFA'], ['no-mfa', 'without MFA'], ['none', 'no condition at all']]);
  fillSelect('registry-used', 'any last use', [['recent', 'used recently'], ['stale', 'stale (older than ' + D.meta.staleDays + ' days)'], ['never', 'never used']]);
  $('registry-search').addEventListener('input', function () { regState.page = 0; renderRegistry(); });
  $('registry-clear').addEventListener('click', function () { setRegistryFilter({}); });
  $('registry-csv').addEventListener('click', exportCsv);
  function setRegistryFilter(f) {
    $('registry-search').value = f.search || '';
    $('registry-account').value = f.account || '';
    $('registry-scope').value = f.scope || '';
    $('registry-vendor').value = f.vendor || '';
    $('registry-conditions').value = f.conditions || '';
    $('registry-used').value = f.used || '';
    regState.page = 0;
    renderRegistry();
    showTab('registry');
  }
  function filteredRegistry() {
    var q = $('registry-search').value.toLowerCase().trim(), acct = $('registry-account').value, scope = $('registry-scope').value,
      vendor = $('registry-vendor').value, cond = $('registry-conditions').value, used = $('registry-used').value;
    var rows = REL.filter(function (x) {
      if (acct && x.role.account !== acct) return false;
      if (scope && x.r.scope !== scope) return false;
      if (vendor && x.r.vendor !== vendor) return false;
      if (cond === 'external-id' && !x.r.externalId) return false;
      if (cond === 'no-external-id' && x.r.externalId) return false;
      if (cond === 'mfa' && !x.r.mfa) return false;
      if (cond === 'no-mfa' && x.r.mfa) return false;
      if (cond === 'none' && x.r.conditions.length) return false;
      if (used && x.used !== used) return false;
      if (q && x.search.indexOf(q) < 0) return false;
      return true;
    });
    var col = COLUMNS.filter(function (c) { return c.key === regState.sortKey; })[0];
    rows.sort(function (a, b) {
      var va = col.get(a), vb = col.get(b);
      return (va < vb ? -1 : va > vb ? 1 : a.i - b.i) * regState.sortDir;
    });
    return rows;
  }
  function renderRegistry() {
    var rows = regState.rows = filteredRegistry();
    var t = clear($('registry-table'));
    var head = el('tr');
    COLUMNS.forEach(function (c) {
      var th = el('th', { text: c.label, scope: 'col', 'data-key': c.key });
      if (c.key === regState.sortKey) th.setAttribute('aria-sort', regState.sortDir > 0 ? 'ascending' : 'descending');
      th.addEventListener('click', function () {
        if (regState.sortKey === c.key) regState.sortDir = -regState.sortDir; else { regState.sortKey = c.key; regState.sortDir = 1; }
        renderRegistry();
      });
      head.appendChild(th);
    });
    t.appendChild(el('thead', {}, head));
    var body = el('tbody');
    var pages = Math.max(1, Math.ceil(rows.length / PAGE));
    regState.page = Math.min(regState.page, pages - 1);
    rows.slice(regState.page * PAGE, (regState.page + 1) * PAGE).forEach(function (x) {
      var tr = el('tr');
      COLUMNS.forEach(function (c) {
        var v = c.get(x), td = el('td', c.mono ? { 'class': 'mono' } : {});
        if (c.key === 'externalId' || c.key === 'mfa') td.appendChild(pill(v, v === 'no' ? (x.r.scope === 'third-party' || c.key === 'mfa' ? 'bad' : '') : 'good'));
        else if (c.key === 'lastUsed') td.appendChild(pill(v, x.used === 'recent' ? 'good' : 'bad'));
        else if (c.key === 'session') td.textContent = fmtSeconds(v) + (x.role.maxSessionAssumed ? ' (assumed)' : '');
        else if (c.key === 'role') td.appendChild(el('button', { 'class': 'link mono', type: 'button', text: v, title: 'show in graph', onclick: function () { focusNode(x.role.arn); } }));
        else if (c.key === 'findings' && v) td.appendChild(el('button', { 'class': 'link', type: 'button', text: v, onclick: function () { $('findings-search').value = x.role.arn; renderFindings(); showTab('findings'); } }));
        else td.textContent = v;
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    t.appendChild(body);
    $('registry-status').textContent = rows.length + ' of ' + REL.length + ' relationships';
    var pager = clear($('registry-pager'));
    if (pages > 1) {
      append(pager, [
        el('button', { type: 'button', text: '‹ previous', onclick: function () { if (regState.page > 0) { regState.page--; renderRegistry(); } } }),
        el('span', { text: 'page ' + (regState.page + 1) + ' of ' + pages }),
        el('button', { type: 'button', text: 'next ›', onclick: function () { if (regState.page < pages - 1) { regState.page++; renderRegistry(); } } })
      ]);
    }
  }
  function csvCell(v) {
    var s = String(v);
    if (/^[=+\-@\t\r]/.test(s)) s = "'" + s; // not a formula in a spreadsheet
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }
  function exportCsv() {
    var lines = [COLUMNS.map(function (c) { return csvCell(c.label); }).join(',')];
    regState.rows.forEach(function (x) { lines.push(COLUMNS.map(function (c) { return csvCell(c.get(x)); }).join(',')); });
    var url = URL.createObjectURL(new Blob([lines.join('\r\n') + '\r\n'], { type: 'text/csv' }));
    var a = el('a', { href: url, download: 'trustgate-registry.csv' });
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  renderRegistry();

  // ---------- paths ----------
  var psel = $('paths-kind');
  option(psel, '', 'all paths'); option(psel, 'outside', 'from outside the organization'); option(psel, 'admin', 'ending at admin-equivalent roles');
  psel.addEventListener('change', renderPaths);
  $('paths-search').addEventListener('input', renderPaths);
  function renderPaths() {
    var q = $('paths-search').value.toLowerCase(), kind = psel.value;
    var rows = D.paths.filter(function (p) {
      if (kind === 'outside' && !p.fromOutside) return false;
      if (kind === 'admin' && !p.endsAdmin) return false;
      if (q && (p.from + '\n' + p.to + '\n' + p.hops.map(function (h) { return h.to; }).join('\n')).toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
    var t = clear($('paths-table'));
    append(t, el('tr', {}, ['From', 'To', 'Hops', 'Conditions along the way', 'Session cap', ''].map(function (h) { return el('th', { text: h }); })));
    rows.slice(0, 500).forEach(function (p) {
      var hops = el('ol', { 'class': 'path-hops' });
      p.hops.forEach(function (h) { hops.appendChild(el('li', { 'class': 'mono', text: h.action + ' → ' + h.to })); });
      var conds = [];
      p.hops.forEach(function (h) { if (h.conditions.length) conds.push(h.conditions.join(' OR ')); });
      append(t, el('tr', {},
        el('td', { 'class': 'mono', text: p.from + (p.fromOutside ? '  (outside)' : '') }),
        el('td', { 'class': 'mono' }, p.to, p.endsAdmin ? [' ', pill('admin-equivalent', 'bad')] : null),
        el('td', {}, hops), el('td', { 'class': 'mono', text: conds.join(' ; ') || 'none' }),
        el('td', { text: fmtSeconds(p.sessionCapSeconds) }),
        el('td', {}, el('button', { 'class': 'link', type: 'button', text: 'highlight', onclick: function () { highlightPath(p); } }))));
    });
    $('paths-status').textContent = rows.length + ' of ' + D.paths.length + ' paths' + (rows.length > 500 ? ' (first 500 shown)' : '') +
      (D.pathsOmitted ? '; ' + D.pathsOmitted + ' more from outside the organization not embedded: run `trustgate paths`' : '');
  }
  renderPaths();

  // ---------- people (IAM users) ----------
  (function people() {
    var eps = D.entryPoints || [];
    $('count-people').textContent = eps.length;
    var t = $('people-table');
    append(t, el('tr', {}, ['User', 'Account', 'MFA', 'Password', 'Active keys (age, last used)', 'Roles reachable', 'In other accounts', 'Admin-equivalent', ''].map(function (h) { return el('th', { text: h }); })));
    if (!eps.length) { append(t, el('tr', {}, el('td', { colspan: 9, text: 'No IAM users in the snapshot.' }))); return; }
    eps.forEach(function (ep) {
      var c = ep.credentials;
      var mfaOk = c ? c.mfaActive : null;
      var usable = ep.reachable.filter(function (r) { return !r.mfaRequired || (mfaOk !== false && !r.mfaOnChainedHop); });
      var keys = !c ? pill('no credential report') : (c.activeKeys.length ? c.activeKeys.map(function (k) {
        var old = k.ageDays != null && k.ageDays > 90;
        return pill('#' + k.slot + ' ' + (k.ageDays != null ? k.ageDays + ' d' : '?') + (k.lastUsed ? ', used ' + k.lastUsed.slice(0, 10) : ', never used'), old ? 'bad' : 'good');
      }) : 'none');
      var list = el('details', {}, el('summary', { text: usable.length + ' role' + (usable.length === 1 ? '' : 's') }));
      var ul = el('ul');
      ep.reachable.slice(0, 100).forEach(function (r) {
        ul.appendChild(el('li', { 'class': 'mono' }, r.role + ' (' + r.hops + ' hop' + (r.hops === 1 ? '' : 's') + ')',
          r.mfaRequired ? [' ', pill('needs MFA', mfaOk === false ? 'bad' : '')] : null, r.admin ? [' ', pill('admin', 'bad')] : null));
      });
      if (ep.reachableTruncated || ep.reachable.length > 100) ul.appendChild(el('li', { text: 'more not listed' }));
      list.appendChild(ul);
      var fs = (findingsByResource[ep.user] || []).length;
      append(t, el('tr', {},
        el('td', { 'class': 'mono', text: ep.user }), el('td', { text: accountLabel(ep.account) }),
        el('td', {}, mfaOk == null ? pill('?') : pill(mfaOk ? 'yes' : 'no', mfaOk ? 'good' : 'bad')),
        el('td', { text: c ? (c.passwordEnabled ? 'yes' + (c.passwordLastUsed ? ', used ' + c.passwordLastUsed.slice(0, 10) : '') : 'no') : '?' }),
        el('td', {}, keys), el('td', {}, list),
        el('td', { text: usable.filter(function (r) { return r.crossAccount; }).length }),
        el('td', {}, usable.some(function (r) { return r.admin; }) ? pill('yes', 'bad') : 'no'),
        el('td', {}, fs ? el('button', { 'class': 'link', type: 'button', text: fs + ' finding' + (fs === 1 ? '' : 's'), onclick: function () { $('findings-search').value = ep.user; renderFindings(); showTab('findings'); } }) : null)));
    });
  })();

  // ---------- graph ----------
  var cy = null;
  var expanded = {}; // account id -> true: its roles are drawn one by one
  var pendingFocus = null;
  var ROLE_LIMIT = 400;
  function nodeAccount(id, rel) {
    if (roleByArn[id] != null) return D.roles[roleByArn[id]].account;
    if (rel && rel.trustedAccount) return rel.trustedAccount;
    return accountOfArn(id);
  }
  function acctNodeId(a) { return 'acct:' + a; }
  function buildElements() {
    var nodes = {}, edges = {};
    function addAccount(a) {
      if (nodes[acctNodeId(a)]) return acctNodeId(a);
      var info = accountsById[a] || { id: a, internal: false, inSnapshot: false };
      nodes[acctNodeId(a)] = { data: { id: acctNodeId(a), label: accountLabel(a), kind: 'account', account: a,
        internal: info.internal ? 1 : 0, inSnapshot: info.inSnapshot ? 1 : 0, expanded: expanded[a] ? 1 : 0 } };
      return acctNodeId(a);
    }
    function addPrincipal(id, account, kind) {
      if (account && !expanded[account]) return addAccount(account);
      if (account) addAccount(account);
      if (!nodes[id]) {
        var ri = roleByArn[id];
        var admin = ri != null && D.roles[ri].permissions && D.roles[ri].permissions.adminEquivalent;
        var label = ri != null ? D.roles[ri].name : (id === '*' ? 'anyone (*)' : id.replace(/^arn:[^:]*:(iam|sts)::\d{12}:/, ''));
        nodes[id] = { data: { id: id, label: label, kind: kind, account: account || '', admin: admin ? 1 : 0, parent: account ? acctNodeId(account) : undefined } };
      }
      return id;
    }
    D.relationships.forEach(function (r, i) {
      var role = D.roles[r.role];
      var roleExpanded = !!expanded[role.account];
      var tAcct = r.trustedAccount || (r.trusted === '*' ? null : accountOfArn(r.trusted));
      // Account level shows relationships between accounts only (and anyone).
      if (!roleExpanded && !(tAcct && expanded[tAcct]) && (r.scope === 'same-account' || r.scope === 'service' || r.scope === 'federated' || r.scope === 'unknown')) return;
      var target = addPrincipal(role.arn, role.account, 'role');
      var kind = r.trustedType === 'account' ? 'root' : (r.scope === 'service' ? 'service' : (r.scope === 'federated' ? 'provider' : (r.trusted === '*' ? 'public' : r.trustedType)));
      var source = addPrincipal(r.trusted, tAcct && kind !== 'service' && kind !== 'provider' ? tAcct : (kind === 'provider' ? role.account : null), kind);
      if (source === target) return;
      var key = source + '\u0000' + target;
      var e = edges[key];
      if (!e) e = edges[key] = { data: { id: 'e' + i, source: source, target: target, count: 0, scope: r.scope, externalId: 1, mfa: 1, rels: [] } };
      e.data.count++;
      e.data.rels.push(i);
      if (SCOPES.indexOf(r.scope) > SCOPES.indexOf(e.data.scope) && r.scope !== 'service' && r.scope !== 'federated') e.data.scope = r.scope;
      if (!r.externalId) e.data.externalId = 0;
      if (!r.mfa) e.data.mfa = 0;
    });
    // Every account of the snapshot appears, even without cross-account trust.
    D.accounts.forEach(function (a) { if (a.inSnapshot) addAccount(a.id); });
    Object.keys(expanded).forEach(function (a) {
      D.roles.forEach(function (r) { if (r.account === a) addPrincipal(r.arn, a, 'role'); });
    });
    var els = [];
    Object.keys(nodes).forEach(function (k) { els.push(nodes[k]); });
    Object.keys(edges).forEach(function (k) { var e = edges[k]; e.data.label = e.data.count > 1 ? String(e.data.count) : ''; els.push(e); });
    return els;
  }
  var STYLE = [
    { selector: 'node', style: { label: 'data(label)', 'font-size': 9, 'min-zoomed-font-size': 7, 'text-valign': 'bottom', 'text-margin-y': 3, width: 18, height: 18,
      'background-color': '#5b6b82', 'text-wrap': 'ellipsis', 'text-max-width': 140 } },
    { selector: 'node[kind = "account"]', style: { shape: 'round-rectangle', 'background-color': '#dfe6f2', 'border-width': 1, 'border-color': '#8a9ab5', width: 34, height: 22, 'font-size': 10 } },
    { selector: 'node[kind = "account"][internal = 0]', style: { 'background-color': '#fbe0dc', 'border-color': '#d0341f' } },
    { selector: 'node[kind = "account"][expanded = 1]', style: { 'text-valign': 'top', 'text-margin-y': -4, 'background-opacity': 0.25, 'font-weight': 'bold' } },
    { selector: 'node[kind = "role"]', style: { 'background-color': '#2457c5' } },
    { selector: 'node[kind = "role"][admin = 1]', style: { 'background-color': '#8e1020', shape: 'star', width: 24, height: 24 } },
    { selector: 'node[kind = "root"]', style: { shape: 'diamond', 'background-color': '#e08a00' } },
    { selector: 'node[kind = "public"]', style: { shape: 'octagon', 'background-color': '#8e1020', width: 28, height: 28 } },
    { selector: 'node[kind = "service"]', style: { shape: 'hexagon', 'background-color': '#2e8b57' } },
    { selector: 'node[kind = "provider"]', style: { shape: 'tag', 'background-color': '#7b4bb7' } },
    { selector: 'node[kind = "user"]', style: { shape: 'triangle', 'background-color': '#0f7c8c' } },
    { selector: 'edge', style: { width: 1.6, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8, label: 'data(label)', 'font-size': 8,
      'line-color': '#8a94a6', 'target-arrow-color': '#8a94a6' } }
  ];
  SCOPES.forEach(function (s) {
    STYLE.push({ selector: 'edge[scope = "' + s + '"]', style: { 'line-color': SCOPE_COLORS[s], 'target-arrow-color': SCOPE_COLORS[s] } });
  });
  STYLE.push({ selector: 'edge[externalId = 1]', style: { 'line-style': 'dashed' } });
  STYLE.push({ selector: 'edge[mfa = 1]', style: { width: 3.2 } });
  STYLE.push({ selector: '.faded', style: { opacity: 0.15 } });
  STYLE.push({ selector: '.hl', style: { opacity: 1, 'border-width': 3, 'border-color': '#ffb000', 'line-color': '#ffb000', 'target-arrow-color': '#ffb000', width: 4, 'z-index': 99 } });
  STYLE.push({ selector: ':selected', style: { 'border-width': 3, 'border-color': '#111' } });

  (function legend() {
    var l = $('legend');
    SCOPES.forEach(function (s) { if (byScope[s]) append(l, el('span', {}, el('span', { 'class': 'swatch', style: 'border-color:' + SCOPE_COLORS[s] }), s)); });
    append(l, [el('span', { text: 'dashed: External ID required' }), el('span', { text: 'thick: MFA required' }),
      el('span', { text: 'star: admin-equivalent role' }), el('span', { text: 'diamond: account root (the whole account)' }),
      el('span', { text: 'red boxes: accounts outside the organization' }),
      el('span', { text: 'Collapsed accounts show only relationships between accounts; expand one to see its roles, services and providers.' })]);
  })();

  // Deterministic placement instead of a force layout: accounts on shelves (in-organization
  // accounts first, by OU path), each expanded account's principals on a grid inside its box.
  // Force layouts scatter compound nodes and take minutes at a thousand accounts; this is linear.
  function placeNodes() {
    var STEP_X = 120, STEP_Y = 70, PAD = 40;
    var loose = [], byAccount = {};
    cy.nodes().forEach(function (n) {
      if (n.data('kind') === 'account') return;
      var parent = n.data('parent');
      if (parent) (byAccount[parent] = byAccount[parent] || []).push(n); else loose.push(n);
    });
    var accounts = cy.nodes('[kind = "account"]').sort(function (a, b) {
      var ia = accountsById[a.data('account')] || {}, ib = accountsById[b.data('account')] || {};
      var ka = (ia.inSnapshot ? '0' : '1') + (ia.ou || []).join('/') + '|' + a.data('account');
      var kb = (ib.inSnapshot ? '0' : '1') + (ib.ou || []).join('/') + '|' + b.data('account');
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
    var order = function (n) {
      var k = n.data('kind');
      return (k === 'role' ? (n.data('admin') ? 0 : 1) : k === 'root' ? 2 : 3) + n.data('label');
    };
    var boxes = accounts.map(function (a) {
      var kids = (byAccount[a.id()] || []).sort(function (x, y) { var ox = order(x), oy = order(y); return ox < oy ? -1 : ox > oy ? 1 : 0; });
      var cols = Math.max(1, Math.ceil(Math.sqrt(kids.length * 1.6)));
      var rows = Math.ceil(kids.length / cols);
      return { node: a, kids: kids, cols: cols, w: kids.length ? cols * STEP_X : 90, h: kids.length ? rows * STEP_Y + 20 : 50 };
    });
    var area = boxes.reduce(function (s, b) { return s + (b.w + PAD) * (b.h + PAD); }, 0);
    var maxW = Math.max(600, Math.sqrt(area) * 1.5);
    var x = 0, y = 0, shelf = 0;
    // Principals outside any account (anyone, services) on the first shelf.
    loose.forEach(function (n, i) { n.position({ x: i * STEP_X, y: 0 }); });
    if (loose.length) y = STEP_Y * 2;
    boxes.forEach(function (b) {
      if (x > 0 && x + b.w > maxW) { x = 0; y += shelf + PAD; shelf = 0; }
      if (b.kids.length) {
        b.kids.forEach(function (n, i) {
          n.position({ x: x + (i % b.cols) * STEP_X + STEP_X / 2, y: y + 30 + Math.floor(i / b.cols) * STEP_Y });
        });
      } else {
        b.node.position({ x: x + b.w / 2, y: y + b.h / 2 });
      }
      x += b.w + PAD;
      shelf = Math.max(shelf, b.h);
    });
  }
  function redraw() {
    var els = buildElements();
    cy.elements().remove();
    cy.add(els);
    placeNodes();
    cy.fit(undefined, 20);
    var roleCount = cy.nodes('[kind = "role"]').length;
    $('graph-status').textContent = cy.nodes('[kind = "account"]').length + ' accounts, ' + roleCount + ' roles drawn, ' + cy.edges().length + ' edges';
    $('graph-accounts').disabled = Object.keys(expanded).length === 0;
  }
  function startGraph() {
    if (typeof cytoscape !== 'function') { $('graph-status').textContent = 'graph library unavailable'; return; }
    if (D.roles.length <= ROLE_LIMIT) D.accounts.forEach(function (a) { if (a.inSnapshot) expanded[a.id] = true; });
    // Large organizations: cheaper edges, and none drawn while panning or zooming.
    var big = D.relationships.length > 5000;
    cy = cytoscape({ container: $('cy'), style: big ? STYLE.concat([{ selector: 'edge', style: { 'curve-style': 'straight' } }]) : STYLE,
      minZoom: 0.02, maxZoom: 4, hideEdgesOnViewport: big, textureOnViewport: big, pixelRatio: big ? 1 : 'auto' });
    redraw();
    cy.on('tap', 'node', function (ev) {
      var n = ev.target;
      if (n.data('kind') === 'account') {
        var a = n.data('account');
        if (accountsById[a] && accountsById[a].inSnapshot) { toggleAccount(a); }
        showAccount(a);
      } else showNode(n.id());
    });
    cy.on('tap', 'edge', function (ev) { showEdge(ev.target); });
    if (pendingFocus) { var f = pendingFocus; pendingFocus = null; f(); }
  }
  function toggleAccount(a) {
    if (expanded[a]) delete expanded[a]; else expanded[a] = true;
    redraw();
  }
  $('graph-accounts').addEventListener('click', function () { expanded = {}; redraw(); });
  $('graph-expand-all').addEventListener('click', function () {
    if (D.roles.length > 3000) { $('graph-status').textContent = D.roles.length + ' roles are too many to draw at once: expand accounts one by one (click them).'; return; }
    D.accounts.forEach(function (a) { if (a.inSnapshot) expanded[a.id] = true; });
    redraw();
  });
  $('graph-fit').addEventListener('click', function () { if (cy) cy.fit(undefined, 20); });
  $('graph-find').addEventListener('change', function () {
    var q = $('graph-find').value.trim().toLowerCase();
    if (!q) return;
    var hit = D.roles.filter(function (r) { return r.arn.toLowerCase() === q || r.name.toLowerCase() === q; })[0] ||
      D.roles.filter(function (r) { return r.arn.toLowerCase().indexOf(q) >= 0; })[0];
    if (hit) { focusNode(hit.arn); return; }
    var acct = D.accounts.filter(function (a) { return a.id === q || (a.name || '').toLowerCase() === q; })[0];
    if (acct) { showTab('graph'); cy.$id(acctNodeId(acct.id)).select(); cy.center(cy.$id(acctNodeId(acct.id))); showAccount(acct.id); }
    else $('graph-status').textContent = 'nothing matches “' + $('graph-find').value + '”';
  });
  function ensureVisible(id) {
    var a = nodeAccount(id);
    if (a && accountsById[a] && accountsById[a].inSnapshot && !expanded[a]) { expanded[a] = true; redraw(); }
  }
  function focusNode(id) {
    showTab('graph');
    var go = function () {
      ensureVisible(id);
      var n = cy.$id(id);
      cy.elements().removeClass('hl faded');
      if (n.nonempty()) {
        cy.elements().addClass('faded');
        n.closedNeighborhood().removeClass('faded').addClass('hl');
        n.ancestors().removeClass('faded');
        cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1) }, { duration: 200 });
      }
      showNode(id);
    };
    if (cy) go(); else pendingFocus = go;
  }
  function highlightPath(p) {
    showTab('graph');
    var go = function () {
      var ids = [p.from].concat(p.hops.map(function (h) { return h.to; }));
      ids.forEach(ensureVisible);
      cy.elements().removeClass('hl faded').addClass('faded');
      var prev = null;
      ids.forEach(function (id) {
        var n = cy.$id(id);
        var a = nodeAccount(id);
        // A principal of a collapsed account (a vendor's) is drawn as its account.
        if (n.empty() && a && cy.$id(acctNodeId(a)).nonempty() && !expanded[a]) n = cy.$id(acctNodeId(a));
        if (n.empty()) {
          // Principals the trust graph does not draw (a user entering through its account's root trust).
          n = cy.add({ data: { id: id, label: id.replace(/^arn:[^:]*:(iam|sts)::\d{12}:/, ''), kind: /:user\//.test(id) ? 'user' : 'root',
            account: a || '', parent: a && cy.$id(acctNodeId(a)).nonempty() && expanded[a] ? acctNodeId(a) : undefined } });
          var pos = a && cy.$id(acctNodeId(a)).nonempty() ? cy.$id(acctNodeId(a)).position() : { x: 0, y: 0 };
          n.position({ x: pos.x + 30, y: pos.y + 30 });
        }
        n.removeClass('faded').addClass('hl');
        n.ancestors().removeClass('faded');
        var nid = n.id();
        if (prev && prev !== nid) {
          var e = cy.edges().filter(function (x) { return x.source().id() === prev && x.target().id() === nid; });
          if (e.empty()) e = cy.add({ data: { id: 'path:' + prev + '>' + nid, source: prev, target: nid, scope: 'unknown', externalId: 0, mfa: 0, label: 'path' } });
          e.removeClass('faded').addClass('hl');
        }
        prev = nid;
      });
      cy.fit(cy.elements('.hl'), 60);
      var d = clear($('details'));
      append(d, el('h3', { text: 'Path' }), pathText(p), el('h4', { text: 'Hops' }));
      var ol = el('ol');
      p.hops.forEach(function (h) { ol.appendChild(el('li', { 'class': 'mono', text: h.from + ' —' + h.action + '→ ' + h.to + (h.conditions.length ? ' if ' + h.conditions.join(' OR ') : '') })); });
      append(d, ol, el('p', { text: 'Session cap: ' + fmtSeconds(p.sessionCapSeconds) }));
    };
    if (cy) go(); else pendingFocus = go;
  }
  function kv(dl, k, v) { append(dl, el('dt', { text: k }), el('dd', { text: v })); }
  function showAccount(a) {
    var d = clear($('details'));
    var info = accountsById[a] || { id: a };
    append(d, el('h3', { text: accountLabel(a) }));
    var dl = el('dl');
    kv(dl, 'Account', a);
    if (info.ou && info.ou.length) kv(dl, 'OU path', info.ou.join(' / '));
    kv(dl, 'In the organization', info.internal ? 'yes' : 'no');
    if (info.vendor) kv(dl, 'Vendor', info.vendor);
    kv(dl, 'Roles', info.roles || 0);
    kv(dl, 'Users', info.users || 0);
    append(d, dl);
    var inbound = REL.filter(function (x) { return x.role.account === a && x.r.trustedAccount && x.r.trustedAccount !== a; });
    var outbound = REL.filter(function (x) { return x.r.trustedAccount === a && x.role.account !== a; });
    listRels(d, 'Trusted by this account\'s roles (' + inbound.length + ')', inbound, function (x) { return x.r.trusted + ' → ' + x.role.name; });
    listRels(d, 'Roles in other accounts that trust it (' + outbound.length + ')', outbound, function (x) { return x.r.trusted + ' → ' + x.role.arn; });
    if (info.inSnapshot) append(d, el('button', { type: 'button', text: expanded[a] ? 'collapse' : 'expand', onclick: function () { toggleAccount(a); showAccount(a); } }));
  }
  function listRels(d, title, rows, text) {
    append(d, el('h4', { text: title }));
    var ul = el('ul');
    rows.slice(0, 50).forEach(function (x) {
      ul.appendChild(el('li', { 'class': 'mono' }, text(x), ' ', pill(x.r.scope), x.r.externalId ? pill('External ID', 'good') : null, x.r.mfa ? pill('MFA', 'good') : null));
    });
    if (rows.length > 50) ul.appendChild(el('li', { text: (rows.length - 50) + ' more: see the registry' }));
    append(d, ul);
  }
  function showNode(id) {
    var d = clear($('details'));
    var ri = roleByArn[id];
    append(d, el('h3', { text: id }));
    if (ri != null) {
      var r = D.roles[ri];
      var dl = el('dl');
      kv(dl, 'Account', accountLabel(r.account));
      kv(dl, 'Max session', fmtSeconds(r.maxSessionSeconds) + (r.maxSessionAssumed ? ' (assumed: no list-roles data)' : ''));
      kv(dl, 'Last used', r.lastUsed || 'never');
      if (r.permissionBoundary) kv(dl, 'Permissions boundary', r.permissionBoundary);
      Object.keys(r.tags).forEach(function (k) { kv(dl, 'tag ' + k, r.tags[k]); });
      append(d, dl);
      append(d, el('h4', { text: 'Permissions' }));
      if (r.permissions) {
        var p = r.permissions;
        append(d, el('p', {}, p.adminEquivalent ? pill('admin-equivalent', 'bad') : pill('not admin-equivalent'), p.adminReason ? ' ' + p.adminReason : ''));
        append(d, el('p', { text: 'Services: ' + (p.services.join(', ') || 'none') }));
        append(d, el('p', { text: 'Access levels: ' + (p.accessLevels.join(', ') || 'none') }));
        append(d, el('p', { 'class': 'mono', text: 'Policies: ' + (p.policies.join(', ') || 'none') }));
        if (p.unknownPolicies && p.unknownPolicies.length) append(d, el('p', { text: 'Not in the snapshot (grants unknown): ' + p.unknownPolicies.join(', ') }));
      } else append(d, el('p', { 'class': 'muted', text: 'not summarized (no trust relationship)' }));
      var fs = findingsByResource[id] || [];
      if (fs.length) {
        append(d, el('h4', { text: 'Findings (' + fs.length + ')' }));
        var ul = el('ul');
        fs.forEach(function (f) { ul.appendChild(el('li', {}, sev(f.severity), ' ' + f.rule + ': ' + f.message)); });
        append(d, ul);
      }
      append(d, el('h4', { text: 'Trust policy' }), el('pre', { 'class': 'mono', text: D.policies[r.trustPolicy] }));
      listRels(d, 'Who may assume it (' + REL.filter(function (x) { return x.role.arn === id; }).length + ')',
        REL.filter(function (x) { return x.role.arn === id; }), function (x) { return x.r.trusted; });
    }
    var acct = nodeAccount(id);
    var out = REL.filter(function (x) { return x.r.trusted === id; });
    if (ri == null && acct) out = out.concat(REL.filter(function (x) { return x.r.trusted !== id && x.r.trustedType === 'account' && x.r.trustedAccount === acct; }));
    listRels(d, 'Roles it may assume (' + out.length + ')', out, function (x) { return '→ ' + x.role.arn; });
    var paths = D.paths.filter(function (p) { return p.from === id || p.hops.some(function (h) { return h.to === id; }); });
    append(d, el('h4', { text: 'Paths through it (' + paths.length + ')' }));
    var ul2 = el('ul');
    paths.slice(0, 30).forEach(function (p) {
      ul2.appendChild(el('li', {}, pathText(p), ' ', el('button', { 'class': 'link', type: 'button', text: 'highlight', onclick: function () { highlightPath(p); } })));
    });
    append(d, ul2);
  }
  function showEdge(e) {
    var d = clear($('details'));
    append(d, el('h3', { text: e.source().data('label') + ' → ' + e.target().data('label') }));
    var rels = (e.data('rels') || []).map(function (i) { return REL[i]; });
    listRels(d, 'Relationships (' + rels.length + ')', rels, function (x) { return x.r.trusted + ' → ' + x.role.arn + (x.r.conditions.length ? ' if ' + x.r.conditions.join('; ') : ''); });
  }
  // Expose a tiny hook for tests and power users (read-only counts).
  window.trustgateReport = { relationships: REL.length, roles: D.roles.length, paths: D.paths.length,
    graph: function () { return cy ? { nodes: cy.nodes().length, edges: cy.edges().length } : null; },
    // Where a node is drawn, relative to the graph's container (null when not drawn).
    renderedPosition: function (id) {
      var n = cy ? cy.$id(id) : null;
      return n && n.nonempty() ? n.renderedPosition() : null;
    } };
  }
})();
