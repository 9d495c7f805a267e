// fleetpoll sweep page: draws the device table from the data block, filters it by text,
// health, platform, site and finding code, sorts it by any column, and draws each device's
// health sparkline. Plain JavaScript, no library; it runs under the page's CSP (no eval, no
// inline handler, no style attribute), and every value is escaped before it becomes markup.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('fp-data').textContent);
  var table = document.getElementById('devices-table');
  var tbody = table.tBodies[0];
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var cols = heads.map(function (th) {
    return { kind: th.getAttribute('data-kind'), key: th.getAttribute('data-key'),
      metric: th.classList.contains('metric') };
  });
  function colOf(key) {
    for (var i = 0; i < cols.length; i++) if (cols[i].key === key && !cols[i].metric) return i;
    return -1;
  }
  var C = { health: colOf('health'), findings: colOf('findings'), platform: colOf('platform'),
    site: colOf('site') };
  var rows = data.rows;
  var labels = data.health_labels, ranks = data.health_ranks;
  var ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return ESC[c]; });
  }

  // Per device: its finding codes and the lower-case text a search looks in.
  var codes = new Array(rows.length), text = new Array(rows.length);
  rows.forEach(function (r, i) {
    var f = C.findings >= 0 ? String(r[C.findings]) : '';
    codes[i] = f ? f.split(' ').map(function (c) { return c.charAt(0) === '+' ? c.slice(1) : c; }) : [];
    var parts = [];
    for (var j = 0; j < r.length; j++) {
      if (cols[j].kind === 'spark') continue;
      parts.push(cols[j].kind === 'health' ? labels[r[j]] || r[j] : r[j]);
    }
    text[i] = parts.join('\u0001').toLowerCase().replace(/\+/g, '');
  });

  var el = function (id) { return document.getElementById(id); };
  var fText = el('f-text'), fHealth = el('f-health'), fPlatform = el('f-platform'),
    fSite = el('f-site'), fCode = el('f-code'), count = el('f-count'), more = el('show-more'),
    moreAll = el('show-all'), foldNote = el('f-folded');
  var state = { sort: C.health, dir: -1, shown: data.page };
  var order = [], matched = [];
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

  // Sort keys of column c: numbers, health ranks or strings; empty cells sort last.
  function keys(c) {
    var kind = cols[c].kind;
    return rows.map(function (r) {
      var v = r[c];
      if (v === '' || v === null || v === undefined) return null;
      if (kind === 'num') { var n = Number(v); return isNaN(n) ? null : n; }
      if (kind === 'health') return ranks[v];
      return String(v);
    });
  }
  function resort() {
    var k = keys(state.sort), dir = state.dir;
    var alpha = cols[state.sort].kind === 'text' || cols[state.sort].kind === 'codes';
    order = rows.map(function (_, i) { return i; });
    order.sort(function (a, b) {
      var x = k[a], y = k[b];
      if (x === null || y === null) return x === y ? a - b : (x === null ? 1 : -1);
      var d = alpha ? collator.compare(x, y) : (x < y ? -1 : x > y ? 1 : 0);
      return d ? d * dir : a - b;
    });
    heads.forEach(function (th, i) {
      if (i === state.sort) th.setAttribute('aria-sort', dir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
  }

  // A test of one device against the filters as they are set now.
  function matcher() {
    var h = fHealth.value, p = fPlatform.value, site = fSite.value, code = fCode.value;
    var q = fText.value.trim().toLowerCase();
    return function (i) {
      var r = rows[i];
      if (h !== '*' && r[C.health] !== h) return false;
      if (p !== '*' && r[C.platform] !== p) return false;
      if (site !== '*' && r[C.site] !== site) return false;
      if (code !== '*' && codes[i].indexOf(code) < 0) return false;
      return !q || text[i].indexOf(q) >= 0;
    };
  }

  var SPARK_Y = { c: 2, u: 6, w: 10, o: 14 };
  var SPARK_WORD = { c: labels.critical, u: labels.unknown, w: labels.warning, o: labels.ok, '-': 'absent' };
  var SPARK_H = { c: 'critical', u: 'unknown', w: 'warning', o: 'ok' };
  // A sparkline: one point per run, higher is worse, the last point marked; its text says
  // the same in words (runs of equal health counted).
  function spark(s) {
    if (!s) return '<td></td>';
    var n = s.length, w = 4 * n + 4, pts = [], words = [], last = null, runs = 0;
    for (var i = 0; i < n; i++) {
      var ch = s.charAt(i);
      if (SPARK_Y[ch] !== undefined) pts.push((2 + 4 * i) + ',' + SPARK_Y[ch]);
      if (ch === last) runs++;
      else { if (last !== null) words.push(SPARK_WORD[last] + (runs > 1 ? ' ×' + runs : '')); last = ch; runs = 1; }
    }
    words.push(SPARK_WORD[last] + (runs > 1 ? ' ×' + runs : ''));
    var label = 'last ' + n + ' run' + (n === 1 ? '' : 's') + ': ' + words.join(', ');
    var end = s.charAt(n - 1), mark = '';
    if (SPARK_Y[end] !== undefined) {
      mark = '<circle class="h-' + SPARK_H[end] + '" cx="' + (2 + 4 * (n - 1)) + '" cy="' + SPARK_Y[end] + '" r="2"/>';
    }
    return '<td class="spark"><svg viewBox="0 0 ' + w + ' 16" width="' + w + '" height="16" role="img" aria-label="' +
      esc(label) + '"><title>' + esc(label) + '</title><polyline points="' + pts.join(' ') + '"/>' + mark + '</svg></td>';
  }

  function cell(r, j) {
    var c = cols[j], v = r[j];
    if (j === 0) return '<th scope="row">' + esc(v) + '</th>';
    switch (c.kind) {
      case 'health':
        return '<td><span class="badge h-' + esc(v) + '">' + esc(labels[v] || v) + '</span></td>';
      case 'spark':
        return spark(String(v));
      case 'codes':
        if (!v) return '<td></td>';
        return '<td class="codes">' + String(v).split(' ').map(function (code) {
          var isNew = code.charAt(0) === '+';
          if (isNew) code = code.slice(1);
          return '<code>' + esc(code) + '</code>' + (isNew ? ' <span class="badge new">new</span>' : '');
        }).join(' ') + '</td>';
      default:
        return (c.metric ? '<td class="metric">' : c.kind === 'num' ? '<td class="num">' : '<td>') + esc(v) + '</td>';
    }
  }

  // With a filter set, a metric column none of the matching devices has a value in is folded
  // (its header and cells hidden, each row keeping one cell per column): a table of firewalls
  // does not carry forty empty WAAS columns, and draws in a fraction of the time.
  var folded = cols.map(function () { return false; });
  function fold(filtered) {
    var empty = cols.map(function (c, j) { return filtered && c.metric && j !== state.sort; });
    var left = empty.filter(Boolean).length;
    for (var k = 0; k < matched.length && left > 0; k++) {
      var r = rows[matched[k]];
      for (var j = 0; j < r.length; j++) {
        if (empty[j] && r[j] !== '' && r[j] !== null && r[j] !== undefined) { empty[j] = false; left--; }
      }
    }
    heads.forEach(function (th, j) { if (th.hidden !== empty[j]) th.hidden = empty[j]; });
    folded = empty;
  }

  function render() {
    var n = Math.min(matched.length, state.shown), out = new Array(n);
    for (var k = 0; k < n; k++) {
      var r = rows[matched[k]], s = '<tr>';
      for (var j = 0; j < r.length; j++) s += folded[j] ? '<td hidden></td>' : cell(r, j);
      out[k] = s + '</tr>';
    }
    tbody.innerHTML = out.join('');
    var msg = matched.length + ' of ' + rows.length + ' devices';
    if (n < matched.length) msg += ', the first ' + n + ' shown';
    var nFolded = folded.filter(Boolean).length;
    foldNote.hidden = nFolded === 0;
    foldNote.textContent = nFolded + ' metric column' + (nFolded === 1 ? '' : 's') +
      ' with no value on these devices folded';
    count.textContent = msg;
    var rest = matched.length - n;
    more.hidden = moreAll.hidden = rest <= 0;
    more.textContent = 'Show ' + Math.min(rest, data.page) + ' more (' + rest + ' not shown)';
    moreAll.textContent = 'Show all ' + matched.length;
  }

  function apply() {
    matched = order.filter(matcher());
    state.shown = data.page;
    fold(fText.value.trim() !== '' || [fHealth, fPlatform, fSite, fCode].some(function (f) {
      return f.value !== '*';
    }));
    render();
  }

  fText.addEventListener('input', apply);
  [fHealth, fPlatform, fSite, fCode].forEach(function (s) { s.addEventListener('change', apply); });
  el('f-reset').addEventListener('click', function (e) {
    e.preventDefault();
    set({});
  });
  more.addEventListener('click', function () { state.shown += data.page; render(); });
  moreAll.addEventListener('click', function () { state.shown = Infinity; render(); });

  // Filters set from elsewhere on the page (counts, matrix, findings): the others cleared.
  function set(f) {
    fText.value = '';
    fHealth.value = f.health || '*';
    fPlatform.value = f.platform || '*';
    fSite.value = f.site === undefined || f.site === null ? '*' : f.site;
    fCode.value = f.code || '*';
    apply();
  }
  function goTo(f) {
    set(f);
    el('devices').scrollIntoView();
  }
  Array.prototype.forEach.call(document.querySelectorAll('button.count[data-health]'), function (b) {
    b.addEventListener('click', function () { goTo({ health: b.getAttribute('data-health') }); });
  });
  Array.prototype.forEach.call(document.querySelectorAll('table.matrix button.cell'), function (b) {
    b.addEventListener('click', function () {
      goTo({ site: b.getAttribute('data-site'), platform: b.getAttribute('data-platform') });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.show-code'), function (b) {
    b.addEventListener('click', function () { goTo({ code: b.getAttribute('data-code') }); });
  });
  heads.forEach(function (th, i) {
    var b = th.querySelector('button.sort');
    if (!b) return;
    b.addEventListener('click', function () {
      if (state.sort === i) state.dir = -state.dir;
      else { state.sort = i; state.dir = cols[i].kind === 'text' || cols[i].kind === 'codes' ? 1 : -1; }
      resort();
      apply();
    });
  });

  // Paper gets every matching row, not only the first page.
  var screenShown = null;
  window.addEventListener('beforeprint', function () { screenShown = state.shown; state.shown = Infinity; render(); });
  window.addEventListener('afterprint', function () {
    if (screenShown !== null) { state.shown = screenShown; screenShown = null; render(); }
  });

  resort();
  apply();
  document.documentElement.setAttribute('data-ready', 'true');
})();
