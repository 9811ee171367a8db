// ceasefire-sim classroom app: the margin waterfall (issue 14), beside the acceptance bars.
// Drawn as SVG in the page from summary.margins (sim.output.summary.margins), the numbers
// `ceasefire-sim why` draws with matplotlib: per actor, the mean parts of its accept decision on
// the first offer (V_deal - V_war by territory, casualties, economic cost, security, term values;
// private resolve; the week's shock), each bar starting where the previous one ended, whiskers
// 5-95% across replications, and the total (accepts if > 0). Means add up, so the total bar
// ends where the last part ends. Nothing from the network, no library.
"use strict";

const Why = (() => {
  const W = 640, ROW = 22, LEFT = 232, RIGHT = 16, HEAD = 44;
  const GAIN = "#009E73", LOSS = "#D55E00";
  const ACTOR_COLOURS = { russia: "#D55E00", ukraine: "#0072B2", united_states: "#56B4E9", europe: "#009E73" };
  const ACTOR_NAMES = { russia: "Russia", ukraine: "Ukraine", united_states: "United States", europe: "Europe" };
  const { svg, FONT } = Charts;          // charts.js


  const num = (v) => (Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

  // Running levels of one actor's parts: [{name, mean, q05, q95, start}], and the total.
  function steps(row) {
    let level = 0;
    const parts = Object.entries(row.parts).map(([name, q]) => {
      const s = { name, mean: q.mean, q05: q.q05, q95: q.q95, start: level };
      level += q.mean;
      return s;
    });
    return { parts, end: level, total: row.total };
  }

  // Round ticks covering [lo, hi].
  function ticks(lo, hi) {
    const raw = (hi - lo) / 5 || 1;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) || 10 * mag;
    const out = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(10)));
    return out;
  }

  // The SVG of one run: a block of rows per actor to whom the offer was put.
  function waterfall(run, labels) {
    const m = run.summary.margins && run.summary.margins[0];
    const title = `${run.key}: why each actor decided on the first offer`;
    if (!m || !Object.keys(m.actors).length) {
      return svg("svg", { viewBox: `0 0 ${W} 80`, role: "img", "font-family": FONT, class: "chart waterfall",
                          "data-waterfall": run.index },
        svg("title", {}, title), svg("rect", { width: W, height: 80, fill: "#fff" }),
        svg("text", { x: W / 2, y: 45, "text-anchor": "middle", "font-size": 14 }, "no offer was put in this scenario"));
    }
    const actors = Object.keys(ACTOR_NAMES).filter((a) => a in m.actors);
    const data = actors.map((a) => [a, steps(m.actors[a])]);
    let lo = 0, hi = 0;
    for (const [, d] of data) {
      for (const p of d.parts) {
        lo = Math.min(lo, p.start + Math.min(p.q05, p.mean)); hi = Math.max(hi, p.start + Math.max(p.q95, p.mean));
      }
      lo = Math.min(lo, d.total.q05, d.total.mean); hi = Math.max(hi, d.total.q95, d.total.mean);
    }
    const pad = 0.04 * (hi - lo || 1);
    lo -= pad; hi += pad;
    const x = (v) => LEFT + (v - lo) * (W - LEFT - RIGHT) / ((hi - lo) || 1);
    const height = HEAD + data.reduce((h, [, d]) => h + (d.parts.length + 2.2) * ROW, 0) + 34;
    const desc = [];
    const root = svg("g", {});
    let y = HEAD;
    for (const [a, d] of data) {
      const share = m.actors[a].total_positive_share;
      const g = svg("g", { "data-actor": a });
      g.append(svg("text", { x: 8, y: y + 14, "font-size": 14, "font-weight": 700, fill: ACTOR_COLOURS[a] },
        `${ACTOR_NAMES[a]}` + (share === null || share === undefined ? "" : ` (total > 0 in ${(100 * share).toFixed(0)}%)`)));
      y += ROW;
      const rows = [...d.parts.map((p) => ({ ...p, label: labels[p.name] || p.name }))];
      for (const p of rows) {
        const x0 = x(p.start), x1 = x(p.start + p.mean);
        const tip = `${ACTOR_NAMES[a]}, ${p.label}: mean ${num(p.mean)} pp-years (5–95%: ${num(p.q05)} to ${num(p.q95)})`;
        desc.push(tip);
        g.append(svg("text", { x: LEFT - 6, y: y + 14, "text-anchor": "end", "font-size": 12 }, p.label),
          svg("rect", { x: Math.min(x0, x1), y: y + 3, width: Math.max(1, Math.abs(x1 - x0)), height: ROW - 6,
                        fill: p.mean >= 0 ? GAIN : LOSS, "data-part": p.name, "data-mean": JSON.stringify(p.mean),
                        "data-start": JSON.stringify(p.start) }, svg("title", {}, tip)),
          svg("line", { x1: x(p.start + p.q05), x2: x(p.start + p.q95), y1: y + ROW / 2, y2: y + ROW / 2,
                        stroke: "#555", "stroke-width": 1, class: "whisker" }));
        y += ROW;
      }
      const t = d.total;
      const tip = `${ACTOR_NAMES[a]}, total: mean ${num(t.mean)} pp-years (5–95%: ${num(t.q05)} to ${num(t.q95)}); accepts if > 0`;
      desc.push(tip);
      g.append(svg("text", { x: LEFT - 6, y: y + 14, "text-anchor": "end", "font-size": 12, "font-weight": 700 },
                   "total (accepts if > 0)"),
        svg("rect", { x: Math.min(x(0), x(t.mean)), y: y + 3, width: Math.max(1, Math.abs(x(t.mean) - x(0))),
                      height: ROW - 6, fill: ACTOR_COLOURS[a], "data-total": JSON.stringify(t.mean),
                      "data-parts-end": JSON.stringify(d.end) }, svg("title", {}, tip)),
        svg("line", { x1: x(t.q05), x2: x(t.q95), y1: y + ROW / 2, y2: y + ROW / 2, stroke: "#555", "stroke-width": 1,
                      class: "whisker" }));
      y += 1.2 * ROW;
      root.append(g);
    }
    for (const t of ticks(lo, hi)) {
      root.append(svg("line", { x1: x(t), x2: x(t), y1: HEAD - 4, y2: y, stroke: "#000", "stroke-opacity": t === 0 ? 0.7 : 0.1 }),
        svg("text", { x: x(t), y: y + 14, "text-anchor": "middle", "font-size": 11 }, String(t)));
    }
    root.append(svg("text", { x: (LEFT + W - RIGHT) / 2, y: y + 30, "text-anchor": "middle", "font-size": 12 },
      "mean contribution, pp-years (whiskers: 5–95% of replications)"));
    return svg("svg", { viewBox: `0 0 ${W} ${height}`, role: "img", "font-family": FONT, class: "chart waterfall",
                        "data-waterfall": run.index },
      svg("title", {}, title),
      svg("desc", {}, `Week ${m.week}, ${m.replications.toLocaleString("en")} replications. ` + desc.join("; ") + "."),
      svg("rect", { width: W, height, fill: "#fff" }),
      svg("text", { x: W / 2, y: 24, "text-anchor": "middle", "font-size": 16, "font-weight": 700 }, title),
      root);
  }

  // Put the waterfalls beside the acceptance bars: one grid cell spanning the row, the bars on
  // the left, the waterfall of each scenario on the right.
  function attach(result) {
    const acc = document.querySelector('#figures figure[data-figure="acceptance"]');
    if (!acc) return;
    const pair = document.createElement("div");
    pair.className = "acceptance-why";
    pair.dataset.pair = "acceptance-why";
    acc.replaceWith(pair);
    const why = document.createElement("figure");
    why.dataset.figure = "why";
    const box = document.createElement("div");
    box.className = "waterfalls";
    for (const run of result.runs) box.append(waterfall(run, run.part_labels || {}));
    const cap = document.createElement("figcaption");
    cap.textContent = "Why each actor accepted or refused the first offer: the parts of V_deal − V_war " +
      "(green: for the deal, orange: against), means across replications, adding up to the total. " +
      "`ceasefire-sim why` also searches for the smallest change that would flip a refusal.";
    why.append(box, cap);
    pair.append(acc, why);
  }

  return { attach, waterfall, steps };
})();
