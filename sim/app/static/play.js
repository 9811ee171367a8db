// ceasefire-sim Play view: plain JavaScript, no libraries, no network beyond this server.
"use strict";

const NAMES = { russia: "Russia", ukraine: "Ukraine", united_states: "United States", europe: "Europe" };
const OUTCOME = { war_continues: "war continues", ceasefire_holds: "ceasefire holds", ceasefire_broken: "ceasefire broken",
                  truce_lapsed: "truce lapsed", ukraine_collapse: "Ukraine collapses", russia_collapse: "Russia collapses" };
const game = { id: null, state: null, busy: false };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v; else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}
const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";

async function api(path, body) {
  const opts = body === undefined ? {} :
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  let resp;
  try { resp = await fetch(path, opts); } catch (e) { throw ["cannot reach the ceasefire-sim server"]; }
  let data = null;
  try { data = await resp.json(); } catch (e) { data = null; }
  if (!resp.ok) throw (data && data.errors) || [`server answered ${resp.status}`];
  return data;
}

function showErrors(messages) {
  const box = $("errors");
  box.replaceChildren();
  if (!messages || !messages.length) { box.hidden = true; return; }
  box.append(el("strong", {}, "Please check:"), el("ul", {}, messages.map((m) => el("li", {}, m))));
  box.hidden = false;
}

async function busy(work) {
  if (game.busy) return;
  game.busy = true; document.body.dataset.idle = "false";
  try { await work(); showErrors([]); } catch (e) { showErrors(Array.isArray(e) ? e : [String(e)]); }
  finally { game.busy = false; document.body.dataset.idle = "true"; }
}

// -- setup -------------------------------------------------------------------------------------
async function loadSetup() {
  const data = await api("/api/scenarios");
  const sel = $("play-scenario");
  for (const s of data.scenarios) if (s.valid) sel.append(el("option", { value: s.key }, s.title || s.key));
  const seats = $("seats");
  for (const [key, name] of Object.entries(NAMES)) {
    seats.append(el("label", {}, el("input", { type: "checkbox", id: `seat-${key}`, value: key, checked: key === "ukraine" }), " ", name));
  }
}

function chosenSeats() { return Object.keys(NAMES).filter((k) => $(`seat-${k}`).checked); }

async function start() {
  await busy(async () => {
    const seed = $("play-seed").value === "" ? null : Number($("play-seed").value);
    const data = await api("/api/play", { scenario: $("play-scenario").value, seats: chosenSeats(), seed,
                                          replication: Number($("play-replication").value || 0) });
    game.id = data.game;
    $("act-as").replaceChildren(...data.state.seats.map((s) => el("option", { value: s }, NAMES[s])));
    buildProposeForm(data.state);
    render(data.state);
  });
}

function act(body) { return busy(async () => render(await api(`/api/play/${game.id}`, body))); }

// -- the board ---------------------------------------------------------------------------------
function frontChart(path) {
  const w = 420, h = 120, svg = document.createElementNS(SVGNS, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`); svg.setAttribute("class", "front");
  svg.setAttribute("width", w); svg.setAttribute("height", h); svg.setAttribute("data-chart", "front");
  if (path.length < 2) return svg;
  const lo = Math.min(...path) - 0.1, hi = Math.max(...path) + 0.1;
  const pts = path.map((v, i) => `${(10 + (w - 20) * i / (path.length - 1)).toFixed(1)},${(10 + (h - 20) * (hi - v) / (hi - lo)).toFixed(1)}`);
  const line = document.createElementNS(SVGNS, "polyline");
  line.setAttribute("points", pts.join(" ")); line.setAttribute("fill", "none");
  line.setAttribute("stroke", "#B03A00"); line.setAttribute("stroke-width", "2");
  svg.append(line);
  return svg;
}

function offerLine(o) { return `offer ${o.index} by ${NAMES[o.proposer]}: ${o.text}`; }

function situationCard(s) {
  const f = s.front, fo = s.forces, p = s.pressure, c = s.ceasefire;
  const dl = el("dl", {},
    el("dt", {}, "Front"), el("dd", {}, `Russia holds ${f.territory_pct.toFixed(2)}% (${f.trend_pp_per_week >= 0 ? "+" : ""}${f.trend_pp_per_week.toFixed(3)} pp/week, last 4 weeks)`),
    el("dt", {}, "Forces"), el("dd", {}, `Russia ${fo.russia_k.toFixed(0)}k, Ukraine ${fo.ukraine_k.toFixed(0)}k; you believe Russia's relative combat power is ×${fo.believed_russia_power_x.toFixed(3)} of what it is`),
    el("dt", {}, "Casualties"), el("dd", {}, `yours ${fo.own_casualties_k.toFixed(1)}k, the other side's ${fo.enemy_casualties_k.toFixed(1)}k`),
    el("dt", {}, "Aid and sanctions"), el("dd", {}, `US EUR ${p.us_aid_bn_per_year.toFixed(1)}bn/yr${p.us_aid_paused_until_week ? ` (paused until week ${p.us_aid_paused_until_week})` : ""}, Europe EUR ${p.europe_aid_bn_per_year.toFixed(1)}bn/yr; sanctions cut Russian shells by ${(100 * p.sanctions_production_cut).toFixed(0)}%${p.us_sanctions_threat_executed ? "; new US sanctions in force" : ""}`),
    el("dt", {}, "Ceasefire"), el("dd", { "data-field": "ceasefire" }, c.holding ? `holding since week ${c.since_week}${c.ends_week !== null ? `, ends week ${c.ends_week}` : " (indefinite)"}` : (s.ended ? "the war has ended" : "none")),
    el("dt", {}, "Patron's pressure"), el("dd", {}, (p.us_threat_credibility > 0 || p.aid_pause_weeks > 0)
      ? `if Russia alone refuses a US offer: new sanctions (credibility ${(100 * p.us_threat_credibility).toFixed(0)}%); if Ukraine alone refuses: US aid pauses ~${p.aid_pause_weeks.toFixed(0)} weeks`
      : "the United States makes no threats in this scenario"),
  );
  const offers = el("ul", {}, (s.offer ? [s.offer] : s.offers_on_table).map((o) => el("li", { class: "on-table" }, "On the table: ", offerLine(o))),
                    s.scheduled_offers.slice(0, 3).map((o) => el("li", {}, `Scheduled (week ${o.week}${o.repeat_every_weeks ? `, every ${o.repeat_every_weeks}` : ""}): `, offerLine(o))));
  const lines = el("ul", { class: "red-lines" }, s.red_lines.map((r) => el("li", { class: r.crossed ? "crossed" : "" },
    `${r.crossed ? "CROSSED: " : ""}${r.key}: ${r.description} `, el("span", { class: "hint" }, `[${r.citation}]`))));
  return el("div", { class: "panel situation", "data-seat": s.actor },
    el("h3", {}, `${s.actor_label}, week ${s.week} of ${s.horizon}`), frontChart(f.path), dl, offers,
    el("h4", {}, "Your red lines"), lines, el("p", { class: "hint" }, `Your utility so far: ${s.utility_so_far.toFixed(3)}`));
}

function render(state) {
  game.state = state;
  $("setup").hidden = true;
  $("board").hidden = false;
  $("board-title").textContent = `${state.title}: week ${state.turn} of ${state.horizon} (seats: ${state.seats.map((s) => NAMES[s]).join(", ")})`;
  document.body.dataset.turn = String(state.turn);
  $("situations").replaceChildren(...Object.values(state.situations).map(situationCard));
  const q = state.pending;
  $("question").hidden = !q;
  document.body.dataset.pending = q ? q.kind : "";
  if (q) $("question-text").textContent = q.question;
  $("actions").hidden = !!q || state.finished;
  $("notes").textContent = state.notes.join("; ");
  const links = { "download-yaml": "game.yaml", "download-json": "game.json" };
  for (const [id, name] of Object.entries(links)) $(id).href = `/api/play/${game.id}/${name}`;
  if (state.finished) showDebrief();
}

function buildProposeForm(state) {
  const form = $("propose-form");
  form.replaceChildren();
  for (const [key, choice] of Object.entries(state.term_choices)) {
    const id = `term-${key}`, def = state.term_defaults[key];
    let input;
    if (Array.isArray(choice)) {
      input = el("select", { id, name: key }, choice.map((v) => el("option", { value: v, selected: v === def }, v.replaceAll("_", " "))));
    } else if (choice === "bool") {
      input = el("input", { type: "checkbox", id, name: key, checked: !!def });
    } else {
      input = el("input", { type: "number", id, name: key, min: "0", placeholder: choice });
    }
    form.append(el("label", { for: id }, key.replaceAll("_", " "), " ", input));
  }
  const by = el("select", { id: "term-by" }, state.seats.map((s) => el("option", { value: s }, NAMES[s])));
  form.append(el("label", { for: "term-by" }, "proposed by ", by));
}

function proposal() {
  const terms = {};
  for (const [key, choice] of Object.entries(game.state.term_choices)) {
    const input = $(`term-${key}`);
    if (Array.isArray(choice)) terms[key] = input.value;
    else if (choice === "bool") terms[key] = input.checked;
    else terms[key] = input.value === "" ? null : Number(input.value);
  }
  return { action: "propose", actor: $("term-by").value, terms };
}

// the seat that breaks, sets aid or sanctions: the one chosen in "as" if it can, else the first that can
function firstSeat(kinds) {
  const chosen = $("act-as").value;
  if (kinds.includes(chosen)) return chosen;
  return game.state.seats.find((s) => kinds.includes(s)) || chosen;
}

async function showDebrief() {
  const box = $("debrief");
  box.replaceChildren(el("p", {}, "computing the debrief (the model alone in the same world and 300 others)…"));
  $("download-report").href = `/api/play/${game.id}/report.html`;
  let d;
  try { d = await api(`/api/play/${game.id}/debrief`); } catch (e) { showErrors(e); return; }
  const p = d.player, a = d.model_same_world;
  const rows = Object.entries(d.utility).map(([s, u]) => el("tr", {}, el("td", {}, NAMES[s]), el("td", {}, u.player.toFixed(3)),
    el("td", {}, u.model_same_world.toFixed(3)), el("td", {}, `${(100 * u.player_rank).toFixed(0)}%`)));
  const diffs = d.differences.map((x) => el("li", {}, `week ${x.week}: you ${x.player_text}; the model's ${NAMES[x.actor]} would have ${x.model_text}. ${x.why}`));
  box.replaceChildren(
    el("p", { id: "debrief-outcome" }, `Your game: ${OUTCOME[p.outcome]}, Russia holds ${p.territory_end_pct.toFixed(2)}% at the end. `,
       `The model alone in your world: ${OUTCOME[a.outcome]} (${a.territory_end_pct.toFixed(2)}%).`),
    el("p", {}, "The model alone in ", String(d.ensemble.replications), " worlds: ",
       Object.entries(d.ensemble.outcome_probabilities).filter(([, v]) => v > 0).map(([k, v]) => `${OUTCOME[k]} ${(100 * v).toFixed(0)}%`).join(", ")),
    el("table", { class: "debrief" }, el("tr", {}, el("th", {}, "seat"), el("th", {}, "your utility"), el("th", {}, "model's (same world)"),
       el("th", {}, "yours beats (ensemble)")), rows),
    el("h3", {}, `Where your choices differed (${d.decisions.differing} of ${d.decisions.total})`),
    diffs.length ? el("ul", { id: "differences" }, diffs) : el("p", { id: "differences" }, "Every choice was the model's."));
  $("end").hidden = false;
  document.body.dataset.finished = "true";
}

// -- teacher -------------------------------------------------------------------------------------
async function teacher() {
  const files = Array.from($("teacher-files").files || []);
  await busy(async () => {
    const games = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() })));
    const data = await api("/api/play/teacher", { games });
    const head = el("tr", {}, ["game file", "seats", "your outcome", "model alone", "territory", "choices differing"].map((h) => el("th", {}, h)));
    const rows = data.rows.map((r) => el("tr", {}, el("td", {}, r.file), el("td", {}, r.seats.map((s) => NAMES[s]).join(", ")),
      el("td", {}, OUTCOME[r.outcome]), el("td", {}, OUTCOME[r.model_outcome]),
      el("td", {}, `${r.territory_end_pct.toFixed(2)}% vs ${r.model_territory_end_pct.toFixed(2)}%`), el("td", {}, `${r.differing} of ${r.decisions}`)));
    $("teacher-table").replaceChildren(el("table", { class: "debrief", id: "teacher-rows" }, head, rows));
    const link = $("teacher-download");
    link.href = URL.createObjectURL(new Blob([data.html], { type: "text/html" }));
    link.hidden = false;
  });
}

async function main() {
  try { await loadSetup(); } catch (e) { showErrors(e); }
  $("play-start").addEventListener("click", start);
  $("answer-yes").addEventListener("click", () => act({ action: "answer", actor: game.state.pending.actor, value: true }));
  $("answer-no").addEventListener("click", () => act({ action: "answer", actor: game.state.pending.actor, value: false }));
  $("advance").addEventListener("click", () => act({ action: "advance", weeks: Number($("weeks").value || 1) }));
  $("break").addEventListener("click", () => act({ action: "break", actor: firstSeat(["russia", "ukraine"]) }));
  $("set-aid").addEventListener("click", () => act({ action: "aid", actor: firstSeat(["united_states", "europe"]), value: Number($("aid").value) }));
  $("propose").addEventListener("click", () => act(proposal()));
  $("sanctions-on").addEventListener("click", () => act({ action: "sanctions", actor: firstSeat(["united_states"]), value: true }));
  $("sanctions-off").addEventListener("click", () => act({ action: "sanctions", actor: firstSeat(["united_states"]), value: false }));
  $("autopilot").addEventListener("click", () => act({ action: "autopilot" }));
  $("teacher-run").addEventListener("click", teacher);
  document.body.dataset.idle = "true";
  document.body.dataset.ready = "true";
}
document.addEventListener("DOMContentLoaded", main);
