// ceasefire-sim classroom app: plain JavaScript, no libraries, no network beyond this server.
"use strict";

const OUTCOMES = [
  ["war_continues", "War continues"], ["ceasefire_holds", "Ceasefire holds"],
  ["ceasefire_broken", "Ceasefire broken"], ["truce_lapsed", "Truce lapsed"],
  ["ukraine_collapse", "Ukraine collapses"], ["russia_collapse", "Russia collapses"],
];
const ACTOR_NAMES = { russia: "Russia", ukraine: "Ukraine", united_states: "United States", europe: "Europe" };
const LINE_STYLES = ["solid", "dashed", "dotted"];

const state = { controls: [], set: {}, actors: null, lastRuns: null, busy: false, pending: false,
                scenarios: {}, order: [], slots: [], syncs: [] };
// Pre-selected, in the order of the README's compare command (one scenario, one colour everywhere).
const DEFAULT_ORDER = ["freeze", "truce_30day", "refusal"];

// -- small helpers -------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k === "style") node.style.cssText = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
const $ = (id) => document.getElementById(id);

async function api(path, body) {
  const opts = body === undefined ? {} :
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  let resp;
  try {
    resp = await fetch(path, opts);
  } catch (e) {
    throw ["cannot reach the ceasefire-sim server: is `ceasefire-sim app` still running?"];
  }
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  if (!resp.ok) throw (data && data.errors) || [`server answered ${resp.status}`];
  return data;
}

function showErrors(messages) {
  const box = $("errors");
  box.replaceChildren();
  if (!messages || !messages.length) { box.hidden = true; return; }
  box.append(el("strong", {}, "Please check your input:"),
             el("ul", {}, messages.map((m) => el("li", {}, m))));
  box.hidden = false;
  box.scrollIntoView({ block: "nearest" });
}

const pct = (p) => (p === null || p === undefined) ? "–" : `${(100 * p).toFixed(1)}%`;
const pctRange = (i) => (!i) ? "" : `${(100 * i[0]).toFixed(1)}–${(100 * i[1]).toFixed(1)}`;

// -- scenarios ------------------------------------------------------------------------------
async function loadScenarios() {
  const data = await api("/api/scenarios");
  $("version").textContent = data.version;
  $("folder").textContent = data.folder;
  const list = $("scenario-list");
  list.replaceChildren();
  if (!data.scenarios.length) list.append(el("li", { class: "hint" }, `no *.yaml files in ${data.folder}`));
  state.scenarios = Object.fromEntries(data.scenarios.map((s) => [s.key, s]));
  state.order = DEFAULT_ORDER.filter((k) => state.scenarios[k] && state.scenarios[k].valid);
  for (const s of data.scenarios) {
    const id = `sc-${s.key}`;
    const box = el("input", { type: "checkbox", id, value: s.key, name: "scenario",
                              disabled: !s.valid, checked: state.order.includes(s.key) });
    box.addEventListener("change", () => {
      state.order = state.order.filter((k) => k !== s.key);
      if (box.checked) state.order.push(s.key);          // chosen last: shown last, next colour
      showSlots();
      syncAll();
      scheduleRun();
    });
    const item = el("li", { class: s.valid ? "scenario" : "scenario invalid" },
      el("label", { for: id }, box, el("span", { class: "slot", id: `slot-${s.key}`, "aria-hidden": "true" }),
         el("span", { class: "title" }, s.title), el("span", { class: "file" }, s.file)),
      s.valid ? el("p", { class: "desc" }, s.description)
              : el("p", { class: "problem" }, "does not validate: ", s.errors.join("; ")));
    list.append(item);
  }
}

// The chosen scenarios in the order they were ticked: the order of the tables, charts and reports.
function chosenScenarios() { return state.order.slice(); }

// A numbered colour mark by each chosen scenario: its position and colour in the results.
function showSlots() {
  for (const key of Object.keys(state.scenarios)) {
    const mark = $(`slot-${key}`);
    if (!mark) continue;
    const i = state.order.indexOf(key);
    const slot = state.slots[i];
    mark.textContent = i >= 0 ? String(i + 1) : "";
    mark.className = i >= 0 ? "slot on" : "slot";
    mark.style.cssText = slot ? `background:${slot.colour}` : "";
    mark.title = i >= 0 ? `shown ${["first", "second", "third"][i] || i + 1}, in this colour` : "";
  }
}

// -- controls -------------------------------------------------------------------------------
function formatControl(c, v) {
  if (c.kind === "choice") return v;
  if (c.unit === "%") return `${Math.round(v * 100)}%`;
  if (c.unit === "x") return `×${Number(v).toFixed(1)}`;
  if (c.unit === ":1") return `${Number(v).toFixed(2)} : 1`;
  return String(v);
}

function renderControls(spec) {
  state.controls = spec.controls;
  const box = $("controls");
  box.replaceChildren();
  for (const c of spec.controls) {
    const id = `ctl-${c.key}`;
    const out = el("output", { id: `${id}-out`, for: id, class: "value" });
    const changed = el("input", { type: "checkbox", id: `${id}-set`, title: "apply this change" });
    let input;
    if (c.kind === "choice") {
      input = el("select", { id }, c.choices.map((v) => el("option", { value: v }, v)));
      input.value = c.start;
    } else {
      input = el("input", { type: "range", id, min: c.lo, max: c.hi, step: c.step, value: c.start });
    }
    const now = el("p", { class: "current", id: `${id}-now` });
    const sync = () => {
      state.set[c.key] = changed.checked;
      const here = unchangedValue(c);
      if (!changed.checked && here.common !== null) input.value = here.common;
      out.textContent = changed.checked ? formatControl(c, input.value) : `as in each scenario: ${here.text}`;
      now.textContent = here.detail;
      row.classList.toggle("unset", !changed.checked);
    };
    input.addEventListener("input", () => { changed.checked = true; sync(); });
    input.addEventListener("change", () => { changed.checked = true; sync(); scheduleRun(); });  // on release
    changed.addEventListener("change", () => { sync(); scheduleRun(); });
    const row = el("div", { class: "control", dataset: { key: c.key } },
      el("label", { for: id }, c.label), input, out,
      el("label", { class: "set", for: `${id}-set` }, changed, "change"),
      el("p", { class: "mapping" }, c.mapping), now);
    box.append(row);
    state.syncs.push(sync);
    sync();
  }
  const reps = $("replications");
  Object.assign(reps, { min: spec.replications.lo, max: spec.replications.hi, step: spec.replications.step });
  reps.value = spec.replications.start;
  const repsOut = $("replications-out");
  const syncReps = () => { repsOut.textContent = Number(reps.value).toLocaleString("en"); };
  reps.addEventListener("input", syncReps);
  reps.addEventListener("change", scheduleRun);
  syncReps();
  $("seed").value = spec.seed.start;
  $("seed").addEventListener("change", scheduleRun);
}

function syncAll() { state.syncs.forEach((f) => f()); }

// Where an unmoved control stands for the chosen scenarios: one value if they agree,
// else each scenario's (e.g. "freeze 10%, truce_30day 5%"); `detail` says it in words.
function unchangedValue(c) {
  const chosen = chosenScenarios().map((k) => state.scenarios[k]).filter((s) => s && s.controls[c.key]);
  if (!chosen.length) return { common: null, text: "–", detail: "" };
  const values = chosen.map((s) => s.controls[c.key].value);
  const same = values.every((v) => v === values[0]);
  const text = same ? (values[0] === null ? "mixed" : formatControl(c, values[0]))
    : chosen.map((s, i) => `${s.key} ${values[i] === null ? "mixed" : formatControl(c, values[i])}`).join(", ");
  const texts = chosen.map((s) => s.controls[c.key].text);
  const detail = texts.every((t) => t === texts[0]) ? `As written, in ${chosen.length > 1 ? "every chosen scenario" : chosen[0].key}: ${texts[0]}`
    : "As written: " + chosen.map((s, i) => `${s.key}: ${texts[i]}`).join(" · ");
  return { common: same && values[0] !== null ? values[0] : null, text, detail };
}

function requestBody() {
  const controls = {};
  for (const c of state.controls) {
    if (!state.set[c.key]) continue;
    const v = $(`ctl-${c.key}`).value;
    controls[c.key] = c.kind === "choice" ? v : Number(v);
  }
  const seedText = $("seed").value.trim();
  const body = {
    scenarios: chosenScenarios(),
    controls,
    replications: Number($("replications").value),
    seed: seedText,            // sent as typed: the server reads whole numbers up to 2**63-1 exactly
  };
  if ($("use-pasted").checked) body.pasted = $("pasted").value;
  return body;
}

// -- pasted scenario --------------------------------------------------------------------------
async function checkPasted() {
  const status = $("paste-status");
  status.className = "status";
  status.textContent = "checking…";
  try {
    const r = await api("/api/check", { pasted: $("pasted").value });
    status.className = "status ok";
    status.textContent = `valid: “${r.title}” (${r.offers.length} offer${r.offers.length === 1 ? "" : "s"})`;
    $("use-pasted").checked = true;
    return true;
  } catch (errs) {
    status.className = "status problem";
    status.textContent = [].concat(errs).join("\n");
    $("use-pasted").checked = false;
    return false;
  }
}

function readUpload(ev) {
  const file = ev.target.files && ev.target.files[0];
  if (!file) return;
  const reader = new FileReader();
  reader.onload = () => { $("pasted").value = reader.result; checkPasted(); };
  reader.readAsText(file);
}

// -- run ------------------------------------------------------------------------------------------
// Run now, or once the current run is over (moves while a run is on collapse into one re-run).
// `pressed`: the Run button (always sends, so the server can say what is missing).
function scheduleRun(pressed) {
  if (pressed !== true && !chosenScenarios().length && !$("use-pasted").checked) return;
  if (state.busy) { state.pending = true; idle(); return; }
  run();
}

function idle() { document.body.dataset.idle = String(!state.busy && !state.pending); }

async function run() {
  if (state.busy) { state.pending = true; idle(); return; }
  state.pending = false;
  showErrors([]);
  const bar = $("progress"), text = $("progress-text");
  state.busy = true;
  idle();
  bar.hidden = false;
  bar.value = 0;
  text.textContent = "starting…";
  document.body.setAttribute("aria-busy", "true");
  try {
    const { job } = await api("/api/run", requestBody());
    let version = 0;
    for (;;) {
      const st = await api(`/api/jobs/${job}?since=${version}`);     // the server answers on the next change
      version = st.version;
      bar.value = st.progress;
      text.textContent = st.message;
      if (st.state === "done") { renderResults(st.result); text.textContent = st.message; break; }
      if (st.state === "error") { showErrors(st.errors); text.textContent = "the run failed"; break; }
    }
  } catch (errs) {
    showErrors([].concat(errs));
    text.textContent = "";
  } finally {
    state.busy = false;
    bar.hidden = true;
    document.body.removeAttribute("aria-busy");
    if (state.pending) run(); else idle();
  }
}

// -- results ------------------------------------------------------------------------------------
function swatch(run) {
  return el("span", { class: "swatch",
    style: `background:${run.colour};border-bottom:4px ${LINE_STYLES[run.slot]} #000` });
}

function scenarioHead(run) {
  return el("th", { scope: "col", class: "run-head", style: `border-top:6px ${LINE_STYLES[run.slot]} ${run.colour}` },
            swatch(run), run.key);
}

function valueCell(run, key, value, interval, intervalKey) {
  return el("td", {},
    el("span", { class: "num", dataset: { run: run.index, key, value: JSON.stringify(value) } }, pct(value)),
    interval ? el("span", { class: "ci", dataset: { run: run.index, key: intervalKey,
                                                   value: JSON.stringify(interval) } }, pctRange(interval)) : null);
}

function table(caption, runs, rows) {
  return el("table", { class: "numbers" },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, ""), runs.map(scenarioHead))),
    el("tbody", {}, rows.map(([label, cells]) => el("tr", {}, el("th", { scope: "row" }, label), runs.map(cells)))));
}

function renderResults(result) {
  const runs = result.runs;
  state.lastRuns = runs;
  const changed = state.controls.filter((c) => c.key in result.settings.controls)
    .map((c) => `${c.label} ${formatControl(c, result.settings.controls[c.key])}`);
  $("run-summary").textContent = `${changed.length ? "Changed for every scenario: " + changed.join(" · ")
    : "No assumption changed: each scenario as written"}. ${result.settings.replications.toLocaleString("en")} ` +
    `replications, seed ${result.settings.seed}.`;
  $("legend").replaceChildren(...runs.map((r) =>
    el("span", { class: "legend-item" }, swatch(r), el("strong", {}, r.key), ` ${r.title}`)));

  const outcomes = table("Outcome at the horizon: probability (95% interval)", runs,
    OUTCOMES.map(([k, label]) => [label, (r) => valueCell(r, `outcome_probabilities.${k}`,
      r.summary.outcome_probabilities[k], r.summary.outcome_intervals_95[k], `outcome_intervals_95.${k}`)]));
  const accept = table("Acceptance of the offer per actor (95% interval)", runs,
    Object.entries(ACTOR_NAMES).map(([a, label]) => [label, (r) => valueCell(r, `acceptance_probability.${a}`,
      r.summary.acceptance_probability[a], r.summary.acceptance_intervals_95[a], `acceptance_intervals_95.${a}`)]));
  const weeks = (v) => (v === null || v === undefined) ? "not reached" : `${v} weeks`;
  const other = table("Ceasefires and territory", runs, [
    ["A ceasefire is agreed", (r) => valueCell(r, "ceasefire_duration.agreed_probability",
      r.summary.ceasefire_duration.agreed_probability, r.summary.ceasefire_duration.agreed_interval,
      "ceasefire_duration.agreed_interval")],
    ["Median ceasefire length", (r) => el("td", {}, el("span", { class: "num", dataset: { run: r.index,
      key: "ceasefire_duration.median_weeks_km", value: JSON.stringify(r.summary.ceasefire_duration.median_weeks_km) } },
      weeks(r.summary.ceasefire_duration.median_weeks_km)))],
    ["Territory held by Russia at the horizon: median (5–95%)", (r) => {
      const t = r.summary.territory_end_pct;
      return el("td", {},
        el("span", { class: "num", dataset: { run: r.index, key: "territory_end_pct.q50", value: JSON.stringify(t.q50) } },
           `${t.q50.toFixed(1)}%`),
        el("span", { class: "ci" }, `${t.q05.toFixed(1)}–${t.q95.toFixed(1)}`));
    }],
  ]);
  $("tables").replaceChildren(outcomes, accept, other);

  const t0 = performance.now();
  const pngs = Object.fromEntries(result.figures.map((f) => [f.name, f.url]));
  $("figures").replaceChildren(...result.charts.charts.map((chart) =>
    el("figure", { dataset: { figure: chart.name } }, Charts.draw(chart, result.charts.runs),
       el("figcaption", {}, chart.alt, " ",
          el("a", { href: pngs[chart.name], download: `${chart.name}.png`, class: "png",
                    dataset: { download: "png" } }, "PNG")))));
  if (typeof Why !== "undefined") Why.attach(result);      // the margin waterfall beside the acceptance bars (why.js)
  document.body.dataset.drawMs = String(Math.round(performance.now() - t0));

  $("downloads").replaceChildren(...runs.map((r) => el("div", { class: "download" }, swatch(r),
    el("strong", {}, r.key),
    el("a", { href: r.downloads.yaml, download: `${r.name}.yaml`, class: "button", dataset: { download: "yaml", run: r.index } },
       "scenario YAML"),
    el("a", { href: r.downloads.summary, download: `${r.name}-summary.json`, class: "button",
              dataset: { download: "summary", run: r.index } }, "summary.json"),
    r.downloads.report ? el("a", { href: r.downloads.report, download: `${r.name}-report.html`, class: "button",
                                  dataset: { download: "report", run: r.index } }, "report") : null)));
  if (result.report) {
    $("downloads").append(el("div", { class: "download" }, el("strong", {}, "all scenarios"),
      el("a", { href: result.report, download: "comparison-report.html", class: "button", dataset: { download: "report" } },
         "comparison report (HTML)")));
  }

  const keys = Object.keys(runs[0].assumptions);
  $("assumptions").replaceChildren(el("table", { class: "numbers assumptions" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "assumption"), runs.map(scenarioHead))),
    el("tbody", {}, keys.map((k) => el("tr", {}, el("th", { scope: "row" }, runs[0].assumptions[k].label,
      el("code", { class: "path" }, k)), runs.map((r) => el("td", {}, r.assumptions[k].value))))),
    el("caption", {}, `${result.settings.replications.toLocaleString("en")} replications, seed ${result.settings.seed}; ` +
       `simulation ${result.seconds.simulate} s, chart numbers ${result.seconds.charts} s`)));

  $("results").hidden = false;
  renderActors();
}

// -- red lines ---------------------------------------------------------------------------------------
function renderActors() {
  if (!state.actors) return;
  const box = $("actors");
  box.replaceChildren();
  for (const a of state.actors.order) {
    const info = state.actors.actors[a];
    const items = info.red_lines.map((rl) => {
      const status = state.lastRuns
        ? el("div", { class: "status-row" }, state.lastRuns.map((r) => {
            const on = r.red_lines[a] && r.red_lines[a][rl.key];
            const share = on && r.summary.vetoes && r.summary.vetoes[a] ? r.summary.vetoes[a][rl.key] : null;
            const text = !on ? "off" : share === null || share === undefined ? "on, no offer put"
              : share > 0 ? `crossed: vetoed ${(100 * share).toFixed(1)}% of offers put` : "on, not crossed";
            return el("span", { class: share > 0 ? "badge on crossed" : on ? "badge on" : "badge off",
                                style: `border-color:${r.colour}` }, swatch(r), `${r.key}: ${text}`);
          }))
        : el("div", { class: "status-row" }, el("span", { class: rl.enabled_default ? "badge on" : "badge off" },
            rl.enabled_default ? "on by default" : "off by default"));
      return el("li", { class: "red-line", dataset: { actor: a, redLine: rl.key } },
        el("p", { class: "rl-desc" }, rl.description),
        el("p", { class: "rl-when" }, "vetoes offers with ", rl.when_text),
        el("blockquote", { class: "rl-source" }, rl.citation || rl.source), status);
    });
    box.append(el("div", { class: `actor actor-${a}` }, el("h3", {}, info.name),
      items.length ? el("ul", {}, items) : el("p", { class: "hint" }, "no red lines in the sources: " +
        "weighs every offer on its value")));
  }
}

// -- start -----------------------------------------------------------------------------------------
async function start() {
  try {
    const [spec, actors] = await Promise.all([api("/api/controls"), api("/api/actors"), loadScenarios()]);
    state.slots = spec.slots || [];
    showSlots();
    renderControls(spec);
    state.actors = actors;
    renderActors();
  } catch (errs) {
    showErrors([].concat(errs));
  }
  $("run").addEventListener("click", () => scheduleRun(true));
  $("use-pasted").addEventListener("change", scheduleRun);
  idle();
  $("check").addEventListener("click", checkPasted);
  $("upload").addEventListener("change", readUpload);
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);
