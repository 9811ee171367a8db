// ceasefire-sim classroom app: the four charts as hand-written SVG, drawn from the numbers
// the server sends (sim.figures.app.chart_data). No library, nothing from the network.
// Each scenario keeps its colour (Okabe-Ito), dash pattern and hatch in every chart.
"use strict";

const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const W = 640, H = 420;
  const M = { left: 64, right: 18, top: 86, bottom: 64 };
  const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif";

  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v !== null && v !== undefined && v !== "") node.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  const pct = (p, digits = 1) => `${(100 * p).toFixed(digits)}%`;

  // Round, evenly spaced tick values covering [lo, hi] (about `count` of them).
  function niceTicks(lo, hi, count = 5) {
    const span = hi - lo || 1;
    const raw = span / count;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) || 10 * mag;
    const ticks = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) ticks.push(Number(v.toFixed(10)));
    return ticks;
  }

  function scale(d0, d1, r0, r1) {
    const k = (r1 - r0) / ((d1 - d0) || 1);
    return (v) => r0 + (v - d0) * k;
  }

  // Hatch patterns (one per scenario slot) so bars stay apart in grey print.
  function patterns(chart, runs) {
    return svg("defs", {}, runs.map((r) => {
      const id = `hatch-${chart.name}-${r.slot}`;
      const marks = r.hatch === "//"
        ? [svg("path", { d: "M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6", stroke: "#000", "stroke-width": 1 })]
        : r.hatch === ".." ? [svg("circle", { cx: 2, cy: 2, r: 1, fill: "#000" }), svg("circle", { cx: 6, cy: 6, r: 1, fill: "#000" })]
        : [];
      return svg("pattern", { id, width: 8, height: 8, patternUnits: "userSpaceOnUse" },
        svg("rect", { width: 8, height: 8, fill: r.colour }), marks);
    }));
  }
  const fillOf = (chart, r) => `url(#hatch-${chart.name}-${r.slot})`;

  // One row of legend entries under the title; entries that do not fit go on a second row.
  function legend(chart, runs, labels, kind) {
    const g = svg("g", { class: "legend", transform: "translate(12,46)" });
    const room = W - 24;
    let x = 0, y = 0;
    runs.forEach((r, i) => {
      const width = 31 + 7.3 * labels[i].length;
      if (x > 0 && x + width > room) { x = 0; y += 18; }
      const mark = kind === "bars"
        ? svg("rect", { x, y: y - 10, width: 24, height: 13, fill: fillOf(chart, r), stroke: "#000", "stroke-width": 0.6 })
        : svg("line", { x1: x, x2: x + 26, y1: y - 4, y2: y - 4, stroke: r.colour, "stroke-width": 3, "stroke-dasharray": r.dash });
      g.append(mark, svg("text", { x: x + 31, y, "font-size": 13 }, labels[i]));
      x += width + 20;
    });
    return g;
  }

  function frame(chart, runs, labels, kind, x, y, xticks, yticks, xfmt, yfmt) {
    const root = svg("g", {});
    const titleId = `chart-${chart.name}-title`, descId = `chart-${chart.name}-desc`;
    const el = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": `${titleId} ${descId}`,
                            "font-family": FONT, "data-chart": chart.name, class: "chart" },
      svg("title", { id: titleId }, chart.title),
      svg("desc", { id: descId }, chart.alt),
      patterns(chart, runs),
      svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }),
      svg("text", { x: W / 2, y: 22, "text-anchor": "middle", "font-size": 17, "font-weight": 700 }, chart.title),
      legend(chart, runs, labels, kind), root);
    const [x0, x1] = [M.left, W - M.right], [y0, y1] = [H - M.bottom, M.top];
    for (const t of yticks) {
      root.append(svg("line", { x1: x0, x2: x1, y1: y(t), y2: y(t), stroke: "#000", "stroke-opacity": 0.12 }),
        svg("text", { x: x0 - 6, y: y(t) + 4, "text-anchor": "end", "font-size": 12 }, yfmt(t)));
    }
    for (const t of xticks || []) {
      root.append(svg("line", { x1: x(t), x2: x(t), y1: y0, y2: y0 + 5, stroke: "#000" }),
        svg("text", { x: x(t), y: y0 + 19, "text-anchor": "middle", "font-size": 12 }, xfmt(t)));
    }
    root.append(svg("line", { x1: x0, x2: x1, y1: y0, y2: y0, stroke: "#000" }),
      svg("line", { x1: x0, x2: x0, y1: y0, y2: y1, stroke: "#000" }),
      svg("text", { x: (x0 + x1) / 2, y: H - 12, "text-anchor": "middle", "font-size": 13 }, chart.xlabel),
      svg("text", { x: 16, y: (y0 + y1) / 2, "text-anchor": "middle", "font-size": 13,
                    transform: `rotate(-90 16 ${(y0 + y1) / 2})` }, chart.ylabel));
    return { el, root };
  }

  function bars(chart, runs) {
    const n = runs.length, k = chart.categories.length;
    const band = (W - M.left - M.right) / k, width = 0.8 * band / n;
    const y = scale(0, 1.05, H - M.bottom, M.top);
    const { el, root } = frame(chart, runs, runs.map((r) => r.label), "bars", null, y, [],
                               [0, 0.2, 0.4, 0.6, 0.8, 1], null, (t) => pct(t, 0));
    const lines = [];
    chart.categories.forEach((cat, c) => {
      const cx = M.left + band * (c + 0.5);
      const [first, ...rest] = cat.split(" ");
      root.append(svg("text", { x: cx, y: H - M.bottom + 17, "text-anchor": "middle", "font-size": 12 },
        svg("tspan", { x: cx }, first), rest.length ? svg("tspan", { x: cx, dy: 14 }, rest.join(" ")) : null));
      runs.forEach((r, j) => {
        const v = chart.runs[j].values[c], ci = chart.runs[j].intervals[c];
        const x = cx - 0.4 * band + width * j;
        if (v === null || v === undefined) {
          root.append(svg("text", { x: x + width / 2, y: y(0) - 4, "text-anchor": "middle", "font-size": 10 }, "n/a"));
          lines.push(`${r.label}, ${cat}: no offer`);
          return;
        }
        const tip = `${r.label}, ${cat}: ${pct(v)}` + (ci ? ` (95% interval ${pct(ci[0])}–${pct(ci[1])})` : "");
        lines.push(tip);
        root.append(svg("rect", { x, y: y(v), width, height: Math.max(0, y(0) - y(v)), fill: fillOf(chart, r),
                                  stroke: "#000", "stroke-width": 0.6, "data-run": j, "data-key": c,
                                  "data-value": JSON.stringify(v) }, svg("title", {}, tip)));
        if (ci) {
          const mid = x + width / 2;
          root.append(svg("path", { d: `M${mid},${y(ci[0])} V${y(ci[1])} M${mid - 3},${y(ci[0])} H${mid + 3} ` +
                                       `M${mid - 3},${y(ci[1])} H${mid + 3}`, stroke: "#000", "stroke-width": 1,
                                    fill: "none", class: "interval" }));
        }
      });
    });
    el.querySelector("desc").textContent += ". " + lines.join("; ") + ".";
    return el;
  }

  function steps(chart, runs) {
    const x = scale(0, chart.horizon, M.left, W - M.right), y = scale(0, 1.02, H - M.bottom, M.top);
    const labels = runs.map((r, j) => `${r.label}: ${chart.runs[j].agreed ? chart.runs[j].agreed.toLocaleString("en") + " agreed" : "none agreed"}`);
    const { el, root } = frame(chart, runs, labels, "lines", x, y, niceTicks(0, chart.horizon, 6),
                               [0, 0.2, 0.4, 0.6, 0.8, 1], (t) => String(t), (t) => pct(t, 0));
    const lines = [];
    runs.forEach((r, j) => {
      const d = chart.runs[j];
      if (!d.agreed) { lines.push(`${r.label}: no ceasefire agreed`); return; }
      let path = `M${x(d.t[0])},${y(d.s[0])}`;
      for (let i = 1; i < d.t.length; i++) path += ` H${x(d.t[i])} V${y(d.s[i])}`;
      path += ` H${x(chart.horizon)}`;
      root.append(svg("path", { d: path, fill: "none", stroke: r.colour, "stroke-width": 2.6,
                                "stroke-dasharray": r.dash, "data-run": j }, svg("title", {}, labels[j])));
      const at = (w) => { let s = 1; d.t.forEach((t, i) => { if (t <= w) s = d.s[i]; }); return s; };
      lines.push(`${labels[j]}, ${pct(at(52))} still holding after 52 weeks`);
    });
    el.querySelector("desc").textContent += ". " + lines.join("; ") + ".";
    return el;
  }

  function histogram(chart, runs) {
    const e = chart.edges, lo = e[0], hi = e[e.length - 1];
    const top = Math.max(...chart.runs.map((d) => Math.max(...d.density))) * 1.1 || 1;
    const x = scale(lo, hi, M.left, W - M.right), y = scale(0, top, H - M.bottom, M.top);
    const labels = runs.map((r, j) => `${r.label} (median ${chart.runs[j].median.toFixed(1)}%)`);
    const { el, root } = frame(chart, runs, labels, "lines", x, y, niceTicks(lo, hi, 6), niceTicks(0, top, 5),
                               (t) => String(t), (t) => String(Number(t.toPrecision(3))));
    runs.forEach((r, j) => {
      const d = chart.runs[j].density;
      let path = `M${x(e[0])},${y(0)}`;
      d.forEach((v, i) => { path += ` V${y(v)} H${x(e[i + 1])}`; });
      path += ` V${y(0)}`;
      root.append(svg("path", { d: path + " Z", fill: r.colour, "fill-opacity": 0.18, stroke: "none" }),
        svg("path", { d: path, fill: "none", stroke: r.colour, "stroke-width": 2.2, "stroke-dasharray": r.dash,
                      "data-run": j }, svg("title", {}, labels[j])),
        svg("line", { x1: x(chart.runs[j].median), x2: x(chart.runs[j].median), y1: y(0), y2: y(top / 1.1),
                      stroke: r.colour, "stroke-width": 1.3, "stroke-dasharray": r.dash || "5 3",
                      "data-run": j, "data-median": chart.runs[j].median }));
    });
    el.querySelector("desc").textContent += ". " + labels.join("; ") + ".";
    return el;
  }

  const KINDS = { bars, steps, histogram };

  // The SVG element of one chart of chart_data (``data.charts[i]``), with ``data.runs``.
  function draw(chart, runs) { return KINDS[chart.kind](chart, runs); }

  // shared with why.js and design.js (loaded after this file)
  return { draw, niceTicks, svg, FONT };
})();
