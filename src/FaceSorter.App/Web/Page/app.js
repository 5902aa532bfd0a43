// FaceSorter review page: plain JS over /api/smart-download (no build step, no CDN).
'use strict';
(() => {
  const api = '/api/smart-download';
  const params = new URLSearchParams(location.search);
  if (params.get('token')) sessionStorage.setItem('facesorter-token', params.get('token'));
  const token = sessionStorage.getItem('facesorter-token') || '';
  const withToken = (url) => token ? url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(token) : url;
  const $ = (selector, root = document) => root.querySelector(selector);
  const state = { category: null, page: 1, size: 24, pages: 1, selected: new Set(), skipped: new Set() };

  async function call(method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (token) headers['X-FaceSorter-Token'] = token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(api + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error((data && (data.detail || data.title)) || response.statusText);
    return data;
  }

  function say(text, isError) {
    const box = $('#message');
    box.textContent = text;
    box.className = isError ? 'error' : '';
    box.hidden = false;
  }

  // Destructive buttons ask once more: the first click arms them for a few seconds.
  function confirmed(button) {
    if (button.dataset.armed === '1') { button.dataset.armed = ''; button.classList.remove('confirm'); button.textContent = button.dataset.label; return true; }
    button.dataset.label = button.textContent;
    button.dataset.armed = '1';
    button.classList.add('confirm');
    button.textContent = 'Sure? Delete';
    setTimeout(() => { if (button.dataset.armed === '1') { button.dataset.armed = ''; button.classList.remove('confirm'); button.textContent = button.dataset.label; } }, 4000);
    return false;
  }

  async function loadPeople() {
    const people = await call('GET', '/people');
    $('#people').replaceChildren(...people.map((name) => Object.assign(document.createElement('option'), { value: name })));
  }

  async function loadQueue() {
    const path = (state.category ? '/review/queue/' + encodeURIComponent(state.category) : '/review/queue') + `?page=${state.page}&size=${state.size}`;
    const data = await call('GET', path);
    if (data.page > data.pages && data.pages >= 1 && state.page !== data.pages) { state.page = data.pages; return loadQueue(); }
    state.pages = data.pages;
    renderCategories(data.counts);
    const grid = $('#grid');
    const items = data.items.filter((item) => !state.skipped.has(item.id));
    grid.replaceChildren(...items.map(card));
    $('#empty').hidden = items.length > 0;
    $('#page-info').textContent = `page ${data.page} of ${data.pages} · ${data.total} waiting`;
    $('#prev').disabled = data.page <= 1;
    $('#next').disabled = data.page >= data.pages;
    for (const id of [...state.selected]) if (!items.some((item) => item.id === id)) state.selected.delete(id);
    updateSelection();
  }

  function renderCategories(counts) {
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const chip = (category, label, count) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'cat' + (state.category === category ? ' active' : '');
      button.dataset.category = category || '';
      button.textContent = `${label} (${count})`;
      button.onclick = () => { state.category = category; state.page = 1; loadQueue().catch((e) => say(e.message, true)); };
      return button;
    };
    $('#categories').replaceChildren(chip(null, 'all', total), ...Object.entries(counts).map(([category, count]) => chip(category, category.replace('_', ' '), count)));
  }

  function card(item) {
    const node = $('#card').content.firstElementChild.cloneNode(true);
    node.dataset.id = item.id;
    $('.thumb', node).src = withToken(`${api}/review/${item.id}/thumbnail`);
    $('.thumb', node).alt = item.filename;
    $('.full', node).href = withToken(`${api}/review/${item.id}/file`);
    $('.name', node).textContent = item.filename;
    $('.reason', node).textContent = `${item.category.replace('_', ' ')}: ${item.reason || ''}`;
    if (item.earlier_copy) {
      $('.earlier', node).hidden = false;
      $('.earlier-thumb', node).src = withToken(`${api}/review/${item.id}/earlier/thumbnail`);
      $('.earlier-path', node).textContent = `looks like ${item.earlier_copy}`;
    }
    $('.suggested', node).textContent = item.suggested_person ? `suggested: ${item.suggested_person}` : 'no suggestion';
    $('.person', node).value = item.suggested_person || '';
    const select = $('.select', node);
    select.checked = state.selected.has(item.id);
    select.onchange = () => { select.checked ? state.selected.add(item.id) : state.selected.delete(item.id); updateSelection(); };
    $('.approve', node).onclick = () => act([item.id], 'approve', $('.person', node).value);
    $('.reject', node).onclick = (event) => { if (confirmed(event.currentTarget)) act([item.id], 'reject'); };
    $('.skip', node).onclick = () => { state.skipped.add(item.id); state.selected.delete(item.id); node.remove(); updateSelection(); };
    return node;
  }

  function updateSelection() {
    for (const node of document.querySelectorAll('.card')) node.classList.toggle('selected', state.selected.has(Number(node.dataset.id)));
    $('#selected-count').textContent = `${state.selected.size} selected`;
    $('#bulk-approve').disabled = $('#bulk-reject').disabled = state.selected.size === 0;
    const boxes = document.querySelectorAll('.card .select');
    $('#select-all').checked = boxes.length > 0 && [...boxes].every((box) => box.checked);
  }

  async function act(ids, action, person) {
    if (action === 'approve' && !(person || '').trim()) { say('Choose a person or type a new name first.', true); return; }
    let done = 0;
    const failures = [];
    for (const id of ids) {
      try {
        await call('POST', `/review/${id}/${action}`, action === 'approve' ? { person } : undefined);
        done++;
        state.selected.delete(id);
      } catch (error) {
        failures.push(`#${id}: ${error.message}`);
      }
    }
    const verb = action === 'approve' ? `approved as ${person}` : 'deleted';
    say(failures.length ? `${done} ${verb}; failed: ${failures.join('; ')}` : `${done} ${verb}`, failures.length > 0);
    await Promise.all([loadQueue(), loadPeople()]).catch((e) => say(e.message, true));
  }

  async function loadStats() {
    const [summary, today, reviews] = await Promise.all([call('GET', '/stats/summary?days=14'), call('GET', '/stats/today'), call('GET', '/review/stats')]);
    const figure = (label, value) => `<div class="figure"><b>${value}</b>${label}</div>`;
    $('#figures').innerHTML = figure('sorted today', today.auto_sorted) + figure('sorted, 14 days', summary.auto_sorted)
      + figure('waiting', summary.in_review) + figure('success rate', summary.success_rate + ' %')
      + figure('approved', reviews.approved) + figure('deleted', reviews.rejected)
      + figure('exact duplicates', summary.duplicates ? summary.duplicates.exact : 0) + figure('near duplicates', summary.duplicates ? summary.duplicates.near : 0);
    $('#chart-days').innerHTML = dayChart(summary.per_day);
    $('#chart-people').replaceChildren(...bars(summary.by_person));
    $('#chart-categories').replaceChildren(...bars(summary.by_category));
  }

  function dayChart(days) {
    const width = 700, height = 180, pad = 20;
    const max = Math.max(1, ...days.map((d) => d.auto_sorted + d.new_in_review));
    const step = (width - pad) / days.length;
    const columns = days.map((d, i) => {
      const x = pad + i * step;
      const sorted = (height - 2 * pad) * d.auto_sorted / max;
      const review = (height - 2 * pad) * d.new_in_review / max;
      return `<rect x="${x + 2}" y="${height - pad - sorted}" width="${step - 4}" height="${sorted}" fill="#2563eb"><title>${d.date}: ${d.auto_sorted} sorted</title></rect>`
        + `<rect x="${x + 2}" y="${height - pad - sorted - review}" width="${step - 4}" height="${review}" fill="#dba617"><title>${d.date}: ${d.new_in_review} to review</title></rect>`
        + `<text x="${x + step / 2}" y="${height - 5}" font-size="9" text-anchor="middle">${d.date.slice(5)}</text>`;
    }).join('');
    return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="sorted (blue) and sent to review (yellow) per day">${columns}<text x="4" y="14" font-size="10">max ${max}</text></svg>`;
  }

  function bars(counts) {
    const entries = Object.entries(counts || {});
    const max = Math.max(1, ...entries.map(([, v]) => v));
    if (entries.length === 0) return [Object.assign(document.createElement('p'), { className: 'hint', textContent: 'nothing yet' })];
    return entries.map(([label, value]) => {
      const row = document.createElement('div');
      row.className = 'row';
      row.innerHTML = `<span></span><div class="bar" style="width:${100 * value / max}%"></div><b>${value}</b>`;
      row.firstChild.textContent = label;
      return row;
    });
  }

  async function loadStatus() {
    const status = await call('GET', '/status');
    $('#status-enabled').textContent = status.enabled ? 'running' : 'paused';
    $('#status-enabled').className = status.enabled ? '' : 'down';
    $('#status-immich').textContent = status.immich === 'up' ? 'up'
      : status.immich === 'not_checked' ? 'not checked yet'
      : `down since ${status.immich_down_since}: ${status.immich_error || ''}`;
    $('#status-immich').className = status.immich === 'down' ? 'down' : '';
    $('#status-depth').textContent = status.queue_depth;
    $('#status-review').textContent = status.in_review;
    $('#pause').hidden = !status.enabled;
    $('#resume').hidden = status.enabled;
  }

  function show() {
    const view = (location.hash.replace('#/', '') || 'queue').split('?')[0];
    for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== 'view-' + view;
    for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', link.dataset.view === view);
    const load = { queue: () => Promise.all([loadQueue(), loadPeople()]), stats: loadStats, status: loadStatus }[view] || loadQueue;
    load().catch((e) => say(e.message, true));
  }

  $('#prev').onclick = () => { state.page--; loadQueue().catch((e) => say(e.message, true)); };
  $('#next').onclick = () => { state.page++; loadQueue().catch((e) => say(e.message, true)); };
  $('#select-all').onchange = (event) => {
    for (const node of document.querySelectorAll('.card')) {
      const id = Number(node.dataset.id);
      event.target.checked ? state.selected.add(id) : state.selected.delete(id);
      $('.select', node).checked = event.target.checked;
    }
    updateSelection();
  };
  $('#bulk-approve').onclick = () => act([...state.selected], 'approve', $('#bulk-person').value);
  $('#bulk-reject').onclick = (event) => { if (confirmed(event.currentTarget)) act([...state.selected], 'reject'); };
  $('#pause').onclick = () => call('POST', '/disable').then(loadStatus).catch((e) => say(e.message, true));
  $('#resume').onclick = () => call('POST', '/enable').then(loadStatus).catch((e) => say(e.message, true));
  window.addEventListener('hashchange', show);
  show();
})();
