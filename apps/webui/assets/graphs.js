// Draws the graphs page's charts with uPlot from /api/series. Plain browser
// JavaScript, served as it is: there is nothing to build.
(function () {
  'use strict';

  /** charts drawn on this page, for the browser console and the tests */
  const charts = [];
  window.wubotCharts = charts;

  // distinct on white, in the order hosts are listed
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22',
    '#393b79', '#ad494a', '#637939', '#8c6d31', '#7b4173', '#3182bd', '#e6550d', '#31a354', '#756bb1', '#636363'];

  const pad = (n) => String(n).padStart(2, '0');
  const localInput = (t) => {
    const d = new Date(t * 1000);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  };

  // the from and to fields show local time; they are sent as epoch seconds, and only when changed
  const form = document.getElementById('graph-form');
  if (form) {
    for (const input of form.querySelectorAll('input[type=datetime-local]')) {
      input.value = localInput(Number(input.dataset.epoch));
      input.addEventListener('change', () => (input.dataset.changed = '1'));
    }
    form.addEventListener('submit', () => {
      const inputs = [...form.querySelectorAll('input[type=datetime-local]')];
      const custom = inputs.some((i) => i.dataset.changed);
      for (const input of inputs) {
        input.removeAttribute('name');
        if (!custom || !input.value) continue;
        const epoch = document.createElement('input');
        epoch.type = 'hidden';
        epoch.name = input.id;
        epoch.value = String(Math.floor(new Date(input.value).getTime() / 1000));
        form.appendChild(epoch);
      }
      if (!custom && form.dataset.range) {
        const range = document.createElement('input');
        range.type = 'hidden';
        range.name = 'range';
        range.value = form.dataset.range;
        form.appendChild(range);
      }
    });
  }

  // a host keeps its colour on every chart: its place among all hosts picks it
  const hostOrder = [...document.querySelectorAll('#graph-form input[name=host]')].map((i) => i.value);
  const colorOf = (host, i) => {
    const at = hostOrder.indexOf(host);
    return palette[(at >= 0 ? at : i) % palette.length];
  };

  // more hosts than this get no shaded min-max bands: twenty would be mush
  const MAX_BANDED = 4;

  const heightFor = (width) => (width < 600 ? 220 : 300);

  function zoomTo(from, to) {
    const params = new URLSearchParams(location.search);
    params.delete('range');
    params.set('from', String(Math.floor(from)));
    params.set('to', String(Math.ceil(to)));
    location.search = params.toString();
  }

  /** drawBands shades, for each shown host, the area between its buckets' least and greatest values */
  function drawBands(u, bands, colors) {
    if (!bands.length) return;
    const ctx = u.ctx;
    const xs = u.data[0];
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    bands.forEach((b, i) => {
      if (!u.series[i + 1].show) return;
      ctx.fillStyle = `${colors[i]}33`;
      let run = [];
      const fill = () => {
        if (run.length > 1) {
          ctx.beginPath();
          run.forEach(([x, hi], k) => (k ? ctx.lineTo(x, hi) : ctx.moveTo(x, hi)));
          for (let k = run.length - 1; k >= 0; k--) ctx.lineTo(run[k][0], run[k][2]);
          ctx.closePath();
          ctx.fill();
        }
        run = [];
      };
      for (let j = 0; j < xs.length; j++) {
        const lo = b.lo[j];
        const hi = b.hi[j];
        if (lo === null || hi === null) fill(); // a gap in the data
        if (typeof lo !== 'number' || typeof hi !== 'number') continue; // undefined: another host's time
        run.push([u.valToPos(xs[j], 'x', true), u.valToPos(hi, 'y', true), u.valToPos(lo, 'y', true)]);
      }
      fill();
    });
    ctx.restore();
  }

  async function draw(section) {
    const plot = section.querySelector('.plot');
    const width = Math.max(260, Math.floor(plot.clientWidth));
    // a point every two pixels: more only costs drawing time (20 noisy lines of 1,000 points take Chromium most of a second)
    const params = new URLSearchParams({ key: section.dataset.key, field: section.dataset.field, from: section.dataset.from, to: section.dataset.to, points: String(Math.ceil(width / 2)) });
    const hosts = section.dataset.hosts.split(' ');
    for (const h of hosts) params.append('host', h);
    if (hosts.length <= MAX_BANDED) params.set('bands', '1');
    const res = await fetch(`/api/series?${params}`, { credentials: 'same-origin' });
    if (!res.ok) {
      plot.textContent = `could not load the series: ${res.status} ${res.statusText}`;
      return;
    }
    const api = await res.json();
    // with a few hosts, a bucketed chart also shades each bucket's least to greatest value (a spike an average hides)
    const banded = api.series.length <= MAX_BANDED && api.series.some((s) => s.lo);
    const tables = api.series.map((s) => (banded ? [s.t, s.v, s.lo ?? s.v, s.hi ?? s.v] : [s.t, s.v]));
    const joined = tables.length ? uPlot.join(tables) : [[]];
    const per = banded ? 3 : 1;
    const data = [joined[0], ...api.series.map((_, i) => joined[1 + i * per])];
    const bands = banded ? api.series.map((_, i) => ({ lo: joined[2 + i * per], hi: joined[3 + i * per] })) : [];
    let bandMin = Infinity;
    let bandMax = -Infinity;
    for (const b of bands) {
      for (const v of b.lo) if (typeof v === 'number' && v < bandMin) bandMin = v;
      for (const v of b.hi) if (typeof v === 'number' && v > bandMax) bandMax = v;
    }
    const few = data[0].length < width / 8;
    const u = new uPlot(
      {
        width,
        height: heightFor(width),
        scales: {
          x: { time: true, range: () => [api.from, api.to] },
          y: {
            range: (u, min, max) => uPlot.rangeNum(Math.min(min, bandMin), Math.max(max, bandMax), 0.1, true),
          },
        },
        series: [
          {},
          ...api.series.map((s, i) => ({ label: s.host, stroke: colorOf(s.host, i), width: 1.5, points: { show: few } })),
        ],
        axes: [{}, { size: 56 }],
        cursor: { drag: { x: true, y: false } },
        hooks: {
          drawClear: [(u) => drawBands(u, bands, api.series.map((s, i) => colorOf(s.host, i)))],
          setSelect: [
            (u) => {
              if (u.select.width < 4) return;
              zoomTo(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
            },
          ],
        },
      },
      data,
      plot,
    );
    section.dataset.drawn = 'true';
    return { key: section.dataset.key, field: section.dataset.field, hosts: api.series.map((s) => s.host), step: api.series.map((s) => s.step), bands, u };
  }

  const sections = [...document.querySelectorAll('section.chart')];
  // marked once the browser has painted the charts (the frame after the one they were drawn for)
  // listed in the page's order, whichever series came back first
  Promise.all(sections.map(draw)).then((drawn) => {
    charts.push(...drawn.filter(Boolean));
    requestAnimationFrame(() => requestAnimationFrame(() => (document.body.dataset.chartsDrawn = String(charts.length))));
  });

  let resizing;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      for (const c of charts) {
        const width = Math.max(260, Math.floor(c.u.root.parentElement.clientWidth));
        c.u.setSize({ width, height: heightFor(width) });
      }
    }, 150);
  });
})();
