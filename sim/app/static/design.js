// ceasefire-sim classroom app: the design view (issue 15). Pick a scenario and the terms of its
// first offer to vary, press Search: the server tries every package (sim.app.design, the engine
// of `ceasefire-sim design`, on the same simulated worlds) and the page draws the packages on
// the first two objectives, the front in blue. Click a package (a point or a row) to run it: an
// ordinary run, shown in the Results section. SVG drawn here, nothing from the network.
"use strict";

const Design = (() => {
  const W = 640, H = 440, M = { left: 70, right: 20, top: 52, bottom: 60 };
  const FRONT = "#0072B2", OTHER = "#999999", SHIPPED = "#D55E00";
  const { svg, FONT } = Charts;          // charts.js
  const NAMES = { p_agreed: "a ceasefire is agreed", territory_end_median: "territory held by Russia, median (%)" };
  const st = { terms: [], job: null, busy: false, result: null };
  const $ = (id) => document.getElementById(id);

  function h(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  async function api(path, body) {
    const opts = body === undefined ? {} :
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const resp = await fetch(path, opts);
    const data = await resp.json().catch(() => ({ errors: [`HTTP ${resp.status}`] }));
    if (!resp.ok) throw (data.errors || [`HTTP ${resp.status}`]);
    return data;
  }

  async function wait(job, onProgress) {
    let version = 0;
    for (;;) {
      const s = await api(`/api/jobs/${job}?since=${version}`);
      version = s.version;
      onProgress(s);
      if (s.state === "done") return s.result;
      if (s.state === "error") throw s.errors;
    }
  }

  function objectiveName(m) {
    if (NAMES[m]) return NAMES[m];
    const y = /^p_holds_(\d+)y$/.exec(m);
    return y ? `the ceasefire holds ${y[1]} year${y[1] === "1" ? "" : "s"}` : m.replace(/_/g, " ");
  }

  function size() {
    const chosen = st.terms.filter((t) => $(`dv-${t.name}`).checked);
    const n = chosen.reduce((p, t) => p * t.levels.length, 1);
    $("design-size").textContent = chosen.length
      ? `${n.toLocaleString("en")} packages` + (n > st.max ? ` — at most ${st.max} in the app: tick fewer terms` : "")
      : "tick at least one term";
    return chosen.map((t) => t.name);
  }

  function status(text, problem) {
    const s = $("design-status");
    s.textContent = text;
    s.className = problem ? "status problem" : "status";
  }

  async function search() {
    if (st.busy) return;
    st.busy = true;
    document.body.dataset.designIdle = "false";
    const bar = $("design-progress");
    bar.hidden = false; bar.value = 0;
    status("starting…");
    try {
      const { job } = await api("/api/design", { scenario: $("design-scenario").value, vary: size(),
        replications: Number($("design-replications").value), seed: $("seed") ? $("seed").value.trim() : "" });
      const result = await wait(job, (s) => { bar.value = s.progress; status(s.message); });
      st.result = result;
      render(result);
      status(`${result.packages.length} packages; click one to run it`);
    } catch (errs) {
      status([].concat(errs).join("\n"), true);
    } finally {
      st.busy = false;
      bar.hidden = true;
      document.body.dataset.designIdle = "true";
    }
  }

  function ticks(lo, hi) {
    const raw = (hi - lo) / 5 || 1;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) || 10 * mag;
    const out = [];
    for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(10)));
    return out;
  }

  function label(p, result) {
    return `${p.label}: ` + result.variables.map((v) => `${v.name} ${p[v.name]}`).join(", ");
  }

  // The packages on the first two objectives: the front in blue, the scenario's own package ringed.
  function front(result) {
    const [mx, my] = result.objectives;
    const pts = result.packages;
    const vals = (m) => pts.map((p) => p[m]).filter((v) => v !== null && v !== undefined);
    const span = (m) => {
      const v = vals(m), lo = Math.min(...v), hi = Math.max(...v), pad = 0.06 * ((hi - lo) || 1);
      return m.startsWith("p_") ? [Math.max(0, lo - pad), Math.min(1, hi + pad)] : [lo - pad, hi + pad];
    };
    const [x0, x1] = span(mx), [y0, y1] = span(my);
    const x = (v) => M.left + (v - x0) * (W - M.left - M.right) / ((x1 - x0) || 1);
    const y = (v) => H - M.bottom - (v - y0) * (H - M.top - M.bottom) / ((y1 - y0) || 1);
    const fmt = (m, v) => m.startsWith("p_") ? `${(100 * v).toFixed(0)}%` : String(v);
    const root = svg("g", {});
    for (const t of ticks(y0, y1)) {
      root.append(svg("line", { x1: M.left, x2: W - M.right, y1: y(t), y2: y(t), stroke: "#000", "stroke-opacity": 0.1 }),
        svg("text", { x: M.left - 6, y: y(t) + 4, "text-anchor": "end", "font-size": 12 }, fmt(my, t)));
    }
    for (const t of ticks(x0, x1)) {
      root.append(svg("line", { x1: x(t), x2: x(t), y1: H - M.bottom, y2: H - M.bottom + 5, stroke: "#000" }),
        svg("text", { x: x(t), y: H - M.bottom + 19, "text-anchor": "middle", "font-size": 12 }, fmt(mx, t)));
    }
    const order = [...pts].sort((a, b) => Number(a.on_front) - Number(b.on_front));   // the front drawn on top
    const desc = [];
    for (const p of order) {
      if (p[mx] === null || p[my] === null) continue;
      const tip = `${label(p, result)}. ${objectiveName(mx)} ${fmt(mx, p[mx])}, ${objectiveName(my)} ${fmt(my, p[my])}` +
        (p.on_front ? " (on the front)" : "") + (p.shipped ? " (the scenario's own package)" : "") + ". Click to run it.";
      if (p.on_front) desc.push(tip);
      root.append(svg("circle", { cx: x(p[mx]), cy: y(p[my]), r: p.on_front ? 7 : 4.5, fill: p.on_front ? FRONT : OTHER,
                                  "fill-opacity": p.on_front ? 0.95 : 0.7, stroke: p.shipped ? SHIPPED : "#fff",
                                  "stroke-width": p.shipped ? 3 : 1, class: "package", tabindex: 0,
                                  "data-package": p.package, "data-front": p.on_front, "data-x": JSON.stringify(p[mx]),
                                  "data-y": JSON.stringify(p[my]) }, svg("title", {}, tip)));
    }
    root.append(svg("line", { x1: M.left, x2: W - M.right, y1: H - M.bottom, y2: H - M.bottom, stroke: "#000" }),
      svg("line", { x1: M.left, x2: M.left, y1: H - M.bottom, y2: M.top, stroke: "#000" }),
      svg("text", { x: (M.left + W - M.right) / 2, y: H - 14, "text-anchor": "middle", "font-size": 13 },
          `${objectiveName(mx)} (better →)`),
      svg("text", { x: 18, y: (M.top + H - M.bottom) / 2, "text-anchor": "middle", "font-size": 13,
                    transform: `rotate(-90 18 ${(M.top + H - M.bottom) / 2})` }, `${objectiveName(my)} (better ↑)`));
    const title = `${result.scenario}: ${pts.length} packages, the front in blue`;
    const el = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "font-family": FONT, class: "chart",
                            "data-design-front": result.scenario },
      svg("title", {}, title), svg("desc", {}, desc.join("; ")),
      svg("rect", { width: W, height: H, fill: "#fff" }),
      svg("text", { x: W / 2, y: 24, "text-anchor": "middle", "font-size": 16, "font-weight": 700 }, title),
      svg("text", { x: W / 2, y: 40, "text-anchor": "middle", "font-size": 12, fill: "#555" },
          "blue: on the front (no package tried is as good on every objective) · grey: beaten · ringed orange: the scenario's own"),
      root);
    el.addEventListener("click", (ev) => {
      const c = ev.target.closest("circle[data-package]");
      if (c) runPackage(Number(c.dataset.package));
    });
    el.addEventListener("keydown", (ev) => {
      const c = ev.target.closest("circle[data-package]");
      if (c && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); runPackage(Number(c.dataset.package)); }
    });
    return el;
  }

  function render(result) {
    $("design-results").hidden = false;
    $("design-chart").replaceChildren(front(result));
    $("design-distance").textContent = result.distance;
    const cols = ["label", ...result.variables.map((v) => v.name), ...result.objectives];
    const fmt = (c, v) => (typeof v === "number" ? (c.startsWith("p_") ? `${(100 * v).toFixed(1)}%` : v.toFixed(1)) : String(v));
    const rows = result.packages.filter((p) => p.on_front || p.shipped);
    $("design-table").replaceChildren(
      h("caption", {}, "The front (and the scenario's own package): click Run to see a package play out"),
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", { scope: "col" }, c.startsWith("p_") || NAMES[c] ? objectiveName(c) : c)),
                       h("th", {}, ""))),
      h("tbody", {}, rows.map((p) => h("tr", { dataset: { package: p.package, front: p.on_front } },
        cols.map((c) => h("td", {}, fmt(c, p[c]))),
        h("td", {}, h("button", { type: "button", dataset: { runPackage: p.package } }, "Run"))))));
    $("design-table").querySelectorAll("button[data-run-package]").forEach((b) =>
      b.addEventListener("click", () => runPackage(Number(b.dataset.runPackage))));
  }

  async function runPackage(pid) {
    if (!st.result || st.busy) return;
    st.busy = true;
    document.body.dataset.designIdle = "false";
    status(`running P${pid}…`);
    try {
      const { job } = await api(st.result.run, { package: pid });
      const result = await wait(job, (s) => status(`P${pid}: ${s.message}`));
      renderResults(result);                // app.js: the Results section
      document.body.dataset.designRun = `P${pid}`;
      status(`P${pid}: shown under Results`);
      $("results").scrollIntoView();
    } catch (errs) {
      status([].concat(errs).join("\n"), true);
    } finally {
      st.busy = false;
      document.body.dataset.designIdle = "true";
    }
  }

  async function start() {
    try {
      const [spec, lib] = await Promise.all([api("/api/design/terms"), api("/api/scenarios")]);
      st.terms = spec.terms;
      st.max = spec.max_packages;
      $("design-scenario").replaceChildren(...lib.scenarios.filter((s) => s.valid && s.offers.length)
        .map((s) => h("option", { value: s.key }, `${s.key}: ${s.title}`)));
      const reps = $("design-replications");
      reps.min = spec.replications.lo; reps.max = spec.replications.hi; reps.step = 100;
      reps.value = spec.replications.default;
      $("design-terms").replaceChildren(...st.terms.map((t) => h("label", { class: "term" },
        h("input", { type: "checkbox", id: `dv-${t.name}`, value: t.name }),
        h("strong", {}, t.name), h("span", { class: "hint" }, ` (${t.levels.join(", ")})`))));
      st.terms.forEach((t) => $(`dv-${t.name}`).addEventListener("change", size));
      size();
      $("design-search").addEventListener("click", search);
    } catch (errs) {
      status([].concat(errs).join("\n"), true);
    }
    document.body.dataset.designIdle = "true";
    document.body.dataset.designReady = "true";
  }

  document.addEventListener("DOMContentLoaded", start);
  return { front, search, runPackage };
})();
