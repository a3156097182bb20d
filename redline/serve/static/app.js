// The redline dashboard: vanilla JS over the JSON API, no framework and no build step.
// Everything on screen comes from /api; API text is only ever set as text (never as HTML),
// so a quote or a title cannot inject markup.
"use strict";

// Vocabularies of the filters (the coder's fixed PLOVER types and realis values; the API
// refuses anything else with a 422, which the page shows).
const EVENT_TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT",
  "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE",
  "ASSAULT"];
const REALIS = ["asserted", "claimed", "reported", "denied", "threatened", "future",
  "hypothetical", "negated"];
const ACTOR_ID = /^[A-Za-z0-9_.'-]+$/;  // what the API accepts as an actor id
const PAGE_SIZE = 25;
const COLORS = { "A->B": "#b03a2e", "B->A": "#1f618d", both: "#6c3483" };
const SYMBOLS = { "A->B": "circle", "B->A": "diamond", both: "square" };

const state = {
  dyad: { a: "USA", b: "IRN", rollup: true, freq: "W" },
  events: { offset: 0, loaded: false },
  alertsLoaded: false,
  timelineRequest: 0,   // only the latest timeline answer is drawn (older ones are dropped)
  evidenceRequest: 0,
  dyadIds: [],          // actor ids seen in /api/dyads, offered in the pickers
};

const $ = (id) => document.getElementById(id);

// Build an element from attributes and children; strings become text nodes, never HTML.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// A link only for http(s) URLs: a javascript: or data: URL from an article stays plain text.
function safeLink(url, text) {
  try {
    const parsed = new URL(url);  // absolute URLs only: a relative one would point here
    if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      return el("a", { href: parsed.href, target: "_blank", rel: "noopener noreferrer" },
        text || url);
    }
  } catch (_) {
    // not a URL at all: fall through to plain text
  }
  return el("span", {}, text || url);
}

// GET an API path; errors carry FastAPI's "detail" so the user sees why.
async function api(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== "" && value !== null && value !== undefined) query.set(key, String(value));
  }
  const search = query.toString();
  const response = await fetch(`api/${path}${search ? "?" + search : ""}`,
    { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    let detail = body && body.detail;
    if (Array.isArray(detail)) {  // validation errors: one message per bad parameter
      detail = detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ");
    }
    throw new Error(detail || `${response.status} ${response.statusText}`);
  }
  return body;
}

function showError(error) {
  const box = $("error");
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

// Wrap a handler so a failed request shows its message instead of failing silently.
function guarded(fn) {
  return async (...args) => {
    try {
      showError(null);
      await fn(...args);
    } catch (error) {
      showError(error);
    }
  };
}

function names(actors) {
  return (actors || []).map((a) => a.name || a.id).join(", ") || "unknown";
}

function arrow(direction, a, b) {
  if (direction === "A->B") return `${a} → ${b}`;
  if (direction === "B->A") return `${b} → ${a}`;
  return b ? `${a} ↔ ${b}` : a;
}

// Plotly reads a few HTML-like tags in hover text: escape them so quotes stay plain text.
function plotlyText(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

// Break text into lines of about `width` characters at spaces (hover labels do not wrap).
function wrap(text, width) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function shorten(text, size) {
  const chars = Array.from(String(text || ""));
  return chars.length > size ? chars.slice(0, size - 1).join("") + "…" : chars.join("");
}

// -- status and navigation --------------------------------------------------------------

async function loadStatus() {
  const status = await api("status");
  const c = status.counts;
  const snap = status.snapshot;
  $("status").textContent = `${c.events} events from ${c.articles} articles ` +
    `(${c.mentions} reports, ${c.failures} failures) · ${c.alerts} alerts · ` +
    `snapshot ${snap.taken_at ? snap.taken_at.slice(0, 19).replace("T", " ") : "none"}` +
    (snap.stale ? " (behind the store)" : "") + ` · redline ${status.version}`;
}

// Views are chosen by the URL hash (#timeline, #events, #alerts, #actors, #actors/ID) so
// each is linkable and the back button works.
function route() {
  const [view, ...rest] = (location.hash.slice(1) || "timeline").split("/");
  const known = ["timeline", "events", "alerts", "actors"].includes(view) ? view : "timeline";
  for (const section of document.querySelectorAll(".view")) {
    section.hidden = section.id !== `view-${known}`;
  }
  for (const link of document.querySelectorAll(".tabs a")) {
    if (link.dataset.view === known) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (known === "events" && !state.events.loaded) guarded(loadEvents)();
  if (known === "alerts" && !state.alertsLoaded) guarded(loadAlerts)();
  if (known === "actors" && rest.length) guarded(loadActor)(decodeURIComponent(rest.join("/")));
}

// -- dyad picker ---------------------------------------------------------------------------

function fillActorOptions(found = []) {
  const options = new Map(state.dyadIds.map((id) => [id, id]));
  for (const actor of found) options.set(actor.id, `${actor.name} (${actor.type || "actor"})`);
  $("actor-options").replaceChildren(
    ...[...options].map(([id, label]) => el("option", { value: id, label })));
}

async function loadDyads() {
  const data = await api("dyads", { rollup: true, limit: 100 });
  const ids = new Set();
  for (const d of data.dyads) { ids.add(d.source); ids.add(d.target); }
  state.dyadIds = [...ids].sort();
  fillActorOptions();
  // Quick picks: the busiest pairs between two different actors.
  const top = data.dyads.filter((d) => d.source !== d.target).slice(0, 8);
  $("top-dyads").replaceChildren(...top.map((d) => el("button", {
    type: "button", class: "chip",
    onclick: () => { $("pick-a").value = d.source; $("pick-b").value = d.target; showDyad(); },
  }, `${d.source} → ${d.target} · ${d.events}`)));
}

// Suggest actors as the user types (debounced so typing does not flood the API).
let searchTimer = null;
function suggestActors(event) {
  clearTimeout(searchTimer);
  const q = event.target.value.trim();
  if (q.length < 2) return;
  searchTimer = setTimeout(guarded(async () => {
    fillActorOptions((await api("actors", { q, limit: 20 })).actors);
  }), 200);
}

function readPicker() {
  const a = $("pick-a").value.trim();
  const b = $("pick-b").value.trim();
  for (const id of [a, b].filter(Boolean)) {
    if (!ACTOR_ID.test(id)) throw new Error(`"${id}" is not an actor id (letters, digits, _.'-).`);
  }
  if (!a) throw new Error("Pick side A.");
  return { a, b, rollup: $("pick-rollup").checked, freq: $("pick-freq").value };
}

const showDyad = guarded(async () => {
  state.dyad = readPicker();
  const { a, b } = state.dyad;
  $("filter-dyad").textContent = b ? `${a}–${b}` : a;
  await loadTimeline();
});

// -- timeline chart ------------------------------------------------------------------------

function addPeriod(iso, freq, step) {
  const d = new Date(iso + "T00:00:00Z");
  if (freq === "D") d.setUTCDate(d.getUTCDate() + step);
  else if (freq === "W") d.setUTCDate(d.getUTCDate() + 7 * step);
  else if (freq === "M") d.setUTCMonth(d.getUTCMonth() + step);
  else if (freq === "Q") d.setUTCMonth(d.getUTCMonth() + 3 * step);
  else d.setUTCFullYear(d.getUTCFullYear() + step);
  return d.toISOString().slice(0, 10);
}

// One line per direction. The API returns only periods that had events, so a zero is put
// before and after each run of periods: a quiet stretch then reads as quiet, not as a
// straight line drawn between two busy weeks.
function lineTraces(data) {
  const { a, b, freq } = data;
  const byDirection = new Map();
  for (const bucket of data.buckets) {
    if (!byDirection.has(bucket.direction)) byDirection.set(bucket.direction, new Map());
    byDirection.get(bucket.direction).set(bucket.period, bucket);
  }
  const traces = [];
  for (const [direction, periods] of byDirection) {
    const xs = new Set(periods.keys());
    for (const period of periods.keys()) {
      xs.add(addPeriod(period, freq, -1));
      xs.add(addPeriod(period, freq, 1));
    }
    const x = [...xs].sort();
    traces.push({
      type: "scatter", mode: "lines", name: `${arrow(direction, a, b)}: most hostile`,
      x, y: x.map((p) => (periods.has(p) ? periods.get(p).hostility_max : 0)),
      line: { color: COLORS[direction] || "#555", width: 1.5 },
      // Both directions summed repeats the two lines above: listed, shown on a legend click.
      visible: direction === "both" && b ? "legendonly" : true,
      text: x.map((p) => {
        const k = periods.get(p);
        return k ? `${k.events} events (${k.hostile} hostile), hostility sum ${Math.round(k.hostility_sum * 10) / 10}` +
          `, ${k.fatalities} killed` : "no events";
      }),
      hovertemplate: "%{x|%d %b %Y}: %{text}<extra></extra>",
    });
  }
  return traces;
}

// The dyad's events as markers (clickable). Events at the same spot (same day, same
// hostility) are stacked slightly downwards so each one can be clicked on its own.
function pointTraces(data) {
  const { a, b } = data;
  const taken = new Map();
  const traces = new Map();
  for (const point of data.events) {
    const key = `${point.date}|${point.hostility}`;
    const rank = taken.get(key) || 0;
    taken.set(key, rank + 1);
    if (!traces.has(point.direction)) {
      traces.set(point.direction, {
        type: "scatter", mode: "markers", name: `${arrow(point.direction, a, b)}: events`,
        x: [], y: [], customdata: [], text: [], events: [],
        marker: { size: 11, color: COLORS[point.direction] || "#555",
          symbol: SYMBOLS[point.direction] || "circle", line: { color: "#fff", width: 1 } },
        hovertemplate: "%{text}<extra></extra>",
      });
    }
    const trace = traces.get(point.direction);
    trace.x.push(point.date);
    trace.y.push(point.hostility - 0.45 * rank);
    trace.customdata.push(point.id);
    trace.text.push([`${point.date} ${point.event_type}` +
      (point.mode ? `/${point.mode}` : "") + ` (hostility ${point.hostility})`,
    ...wrap(shorten(point.quote, 180), 60)].map(plotlyText).join("<br>"));
    trace.events.push(point);
  }
  return [...traces.values()];
}

// An accessible list of the plotted events (keyboard users, screen readers): each entry
// names its trace and point index so it matches the marker drawn on the chart.
function listPoints(traces, offset) {
  const items = [];
  traces.forEach((trace, i) => trace.events.forEach((point, j) => {
    items.push(el("li", {}, el("button", {
      type: "button", class: "link",
      dataset: { eventId: point.id, date: point.date, direction: point.direction,
        trace: String(offset + i), point: String(j) },
      onclick: () => openEvidence(point.id),
    }, `${point.date} · ${arrow(point.direction, state.dyad.a, state.dyad.b)} · ` +
      `${point.event_type} · ${point.quote}`)));
  }));
  items.sort((x, y) => x.firstChild.dataset.date.localeCompare(y.firstChild.dataset.date));
  $("chart-points").replaceChildren(...items);
  $("chart-points-count").textContent = String(items.length);
}

let chartReady = false;
async function loadTimeline() {
  const request = ++state.timelineRequest;
  const { a, b, rollup, freq } = state.dyad;
  const chart = $("chart");
  chart.dataset.state = "loading";
  const data = await api("timeline", { a, b, rollup, freq });
  if (request !== state.timelineRequest) return;  // a newer pick is on its way
  if (!window.Plotly) {
    chart.replaceChildren(el("p", { class: "error" },
      "The chart library did not load (vendor/plotly.min.js): is plotly installed?"));
    return;
  }
  const lines = lineTraces(data);
  const points = pointTraces(data);
  const layout = {
    margin: { l: 55, r: 15, t: 10, b: 40 },
    hovermode: "closest",
    showlegend: true,
    legend: { orientation: "h", y: -0.15 },
    xaxis: { type: "date" },
    yaxis: { title: { text: "hostility (0–10)" }, range: [-0.5, 11], zeroline: true },
    font: { family: "system-ui, sans-serif", size: 12 },
    // Redrawing the same dyad keeps the user's zoom; a new pick starts from the full range.
    uirevision: `${a},${b},${rollup},${freq}`,
  };
  // No "share"/Chart Studio button: the page never talks to anything but this server.
  const config = { displaylogo: false, responsive: true, showTips: false, showSendToCloud: false,
    showEditInChartStudio: false, modeBarButtonsToRemove: ["sendDataToCloud"] };
  await window.Plotly.react(chart, [...lines, ...points], layout, config);
  if (!chartReady) {
    // Only event markers carry an id: a click on a line does nothing.
    chart.on("plotly_click", (event) => {
      const hit = event.points.find((p) => typeof p.customdata === "string");
      if (hit) openEvidence(hit.customdata);
    });
    chartReady = true;
  }
  listPoints(points, lines.length);
  Object.assign(chart.dataset, { state: "ready", dyad: b ? `${a},${b}` : a,
    rollup: String(rollup), freq });
  if (b) guarded(loadEscalation)(a, b, rollup, freq);
  else $("escalation").textContent = "";
}

async function loadEscalation(a, b, rollup, freq) {
  // The ladder is computed per day, week or month only.
  const ladder = await api("escalation", { a, b, rollup, freq: "DWM".includes(freq) ? freq : "W" });
  const peakName = (ladder.rungs || [])[ladder.peak];
  $("escalation").textContent = `Escalation ${a}–${b}: now rung ${ladder.current} ` +
    `(${ladder.current_name}), peak rung ${ladder.peak}` + (peakName ? ` (${peakName})` : "") +
    (ladder.as_of ? ` as of ${ladder.as_of}` : "");
}

// -- evidence panel ------------------------------------------------------------------------

// The quote with its trigger word marked. The trigger is "word@offset" with the offset in
// the article text, and the report's start is the quote's offset there, so offset - start is
// the word's place in the quote. Offsets count code points (Python), hence Array.from.
function highlighted(quote, trigger, start) {
  const chars = Array.from(quote || "");
  const at = (trigger || "").lastIndexOf("@");
  if (at > 0) {
    const word = Array.from(trigger.slice(0, at));
    const offset = Number(trigger.slice(at + 1)) - Number(start);
    const found = chars.slice(offset, offset + word.length).join("");
    if (Number.isInteger(offset) && offset >= 0 && found === word.join("")) {
      return [chars.slice(0, offset).join(""), el("mark", {}, found),
        chars.slice(offset + word.length).join("")];
    }
  }
  return [chars.join("")];  // offsets do not match this quote: show it unmarked
}

function actorLinks(actors) {
  if (!actors || !actors.length) return ["unknown"];
  return actors.flatMap((actor, i) => [i ? ", " : "",
    el("a", { href: `#actors/${encodeURIComponent(actor.id)}`, title: actor.reason || "" },
      actor.name || actor.id)]);
}

function describe(event) {
  const loc = event.location;
  const f = event.fatalities;
  const rows = [
    ["Date", `${event.date}` + (event.date_end ? ` to ${event.date_end}` : "") +
      ` (${event.date_precision})`],
    ["Type", `${event.event_type}` + (event.mode ? ` / ${event.mode}` : "") +
      (event.cameo ? ` (CAMEO ${event.cameo})` : "")],
    ["Source", actorLinks(event.source)],
    ["Target", actorLinks(event.target)],
    ["Place", loc ? [loc.name, loc.admin1, loc.country].filter(Boolean).join(", ") : "unknown"],
    ["Realis", event.realis],
    ["Killed", f ? (f.low === f.high ? `${f.best}` : `${f.best} (${f.low}–${f.high})`) : "—"],
    ["Reports", `${event.mentions} reports in ${event.articles} articles from ` +
      `${event.sources} sources`],
    ["First reported", event.first_reported || "—"],
  ];
  return el("dl", { class: "facts" },
    rows.flatMap(([key, value]) => [el("dt", {}, key), el("dd", {}, value)]));
}

function report(r) {
  const source = [r.site, r.published ? r.published.slice(0, 10) : null]
    .filter(Boolean).join(", ");
  return el("li", { class: "report", dataset: { reportId: r.id } },
    el("blockquote", { class: "quote" }, highlighted(r.quote, r.trigger, r.start)),
    el("p", { class: "meta" },
      el("span", { class: `realis realis-${r.realis}` }, r.realis),
      " ", r.url ? safeLink(r.url, r.title || r.url) : el("span", {}, r.title || "untitled"),
      source ? ` — ${source}` : ""),
    el("p", { class: "why" }, `Merged: ${r.why || "—"}`));
}

async function openEvidence(id) {
  const request = ++state.evidenceRequest;
  const panel = $("evidence");
  panel.dataset.state = "loading";
  let event;
  try {
    event = await api(`events/${encodeURIComponent(id)}`);
  } catch (error) {
    panel.dataset.state = "error";
    showError(error);
    return;
  }
  if (request !== state.evidenceRequest) return;  // another event was clicked meanwhile
  panel.replaceChildren(
    el("h2", { id: "evidence-title" }, "Evidence"),
    el("h3", {}, `${names(event.source)} → ${names(event.target)}: ${event.event_type}`),
    describe(event),
    el("h4", {}, `Reports (${event.reports.length})`),
    el("ol", { class: "reports" }, event.reports.map(report)));
  Object.assign(panel.dataset, { state: "ready", eventId: event.id });
  if (window.matchMedia("(max-width: 1000px)").matches) panel.scrollIntoView();
}

// -- event table ---------------------------------------------------------------------------

function filterParams() {
  const form = $("filters");
  const value = (name) => form.elements[name].value.trim();
  const params = {
    actor: value("actor"), type: value("type"), realis: value("realis"),
    since: value("since"), until: value("until"), place: value("place"),
    rollup: form.elements.rollup.checked, limit: PAGE_SIZE, offset: state.events.offset,
  };
  if (form.elements.dyad.checked && state.dyad.b) {
    params.dyad = `${state.dyad.a},${state.dyad.b}`;
  }
  return params;
}

async function loadEvents() {
  const page = await api("events", filterParams());
  state.events.loaded = true;
  const rows = page.events.map((e) => el("tr", {
    tabindex: 0, dataset: { eventId: e.id },
    onclick: () => openEvidence(e.id),
    onkeydown: (k) => {
      if (k.key !== "Enter" && k.key !== " ") return;
      k.preventDefault();  // a space would otherwise scroll the page
      openEvidence(e.id);
    },
  },
  el("td", { class: "nowrap" }, e.date),
  el("td", {}, e.event_type + (e.mode ? ` / ${e.mode}` : "")),
  el("td", {}, names(e.source)),
  el("td", {}, names(e.target)),
  el("td", {}, e.location ? e.location.name : ""),
  el("td", {}, e.realis),
  el("td", { class: "num" }, e.sources),
  el("td", { class: "quote-cell" }, shorten(e.quote, 140))));
  $("events-body").replaceChildren(...(rows.length ? rows
    : [el("tr", {}, el("td", { colspan: 8 }, "No events match."))]));
  const first = page.total ? page.offset + 1 : 0;
  $("page-info").textContent = `${first}–${page.offset + page.events.length} of ${page.total}`;
  $("page-prev").disabled = page.offset === 0;
  $("page-next").disabled = page.offset + page.events.length >= page.total;
}

// -- alerts --------------------------------------------------------------------------------

async function loadAlerts() {
  const data = await api("alerts");
  state.alertsLoaded = true;
  const items = data.alerts.map((alert) => el("li", { class: `alert sev-${alert.severity}` },
    el("p", {}, el("span", { class: "badge" }, alert.severity), " ",
      el("strong", {}, alert.title), ` — ${alert.date}`),
    el("p", {}, alert.summary),
    el("ul", { class: "proofs" }, (alert.evidence || []).map((proof) => el("li", {},
      el("button", { type: "button", class: "link", dataset: { eventId: proof.incident },
        onclick: () => openEvidence(proof.incident) },
      `${proof.date} ${proof.summary}` + (proof.place ? ` at ${proof.place}` : "")),
      el("span", { class: "note" }, ` · ${proof.sources} sources · “${shorten(proof.quote, 120)}”`)))),
    el("p", { class: "note" }, `rule ${alert.rule}, fired ${alert.fired_at || "?"}`)));
  $("alerts").replaceChildren(...(items.length ? items
    : [el("li", { class: "note" }, "No alerts stored: run `redline alerts` to check the rules.")]));
}

// -- actor page ----------------------------------------------------------------------------

async function searchActors(q) {
  const data = await api("actors", { q, limit: 50 });
  $("actor-results").replaceChildren(...(data.actors.length ? data.actors.map((a) =>
    el("li", {}, el("a", { href: `#actors/${encodeURIComponent(a.id)}` }, a.name),
      ` (${a.id}; ${[a.type, a.country, a.sector].filter(Boolean).join(", ")})`))
    : [el("li", { class: "note" }, "No actor matches.")]));
}

function table(headers, rows) {
  return el("table", { class: "small" },
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.length ? rows.map((r) => el("tr", {}, r.map((c) => el("td", {}, c))))
      : [el("tr", {}, el("td", { colspan: headers.length }, "none"))]));
}

function actorRef(id) {
  return id ? el("a", { href: `#actors/${encodeURIComponent(id)}` }, id) : "—";
}

async function loadActor(id) {
  const actor = await api(`actors/${encodeURIComponent(id)}`);
  const box = $("actor");
  box.replaceChildren(
    el("h3", {}, `${actor.name} (${actor.id})`),
    el("dl", { class: "facts" },
      el("dt", {}, "Type"), el("dd", {}, actor.type || "—"),
      el("dt", {}, "Country"), el("dd", {}, actor.country || "—"),
      el("dt", {}, "Rolls up to"), el("dd", {}, actorRef(actor.rollup))),
    el("h4", {}, "Aliases"),
    el("p", { class: "chips" }, actor.aliases.map((alias) => el("span", { class: "chip" }, alias))),
    el("h4", {}, "Roles"),
    table(["Sector", "From", "To"], actor.roles.map((r) => [r.sector || "—",
      r.valid_from || "", r.valid_to || ""])),
    el("h4", {}, "Affiliations"),
    table(["Relation", "Parent", "Note", "Confidence", "From", "To"],
      actor.affiliations.map((f) => [f.relation, actorRef(f.parent), f.note || "",
        f.confidence ?? "", f.valid_from || "", f.valid_to || ""])),
    el("h4", {}, "Designations"),
    table(["Authority", "Designation", "From", "To"], actor.designations.map((d) =>
      [d.authority, d.designation, d.valid_from || "", d.valid_to || ""])),
    el("p", {},
      el("button", { type: "button", onclick: () => {
        $("pick-a").value = actor.id;
        location.hash = "#timeline";
        showDyad();
      } }, "Timeline with this actor as side A"), " ",
      el("button", { type: "button", onclick: () => {
        $("filters").elements.actor.value = actor.id;
        state.events.offset = 0;
        state.events.loaded = false;
        location.hash = "#events";
      } }, "Its events")));
  box.hidden = false;
  box.dataset.actorId = actor.id;
}

// -- wiring --------------------------------------------------------------------------------

function start() {
  const form = $("filters");
  form.elements.type.append(...EVENT_TYPES.map((t) => el("option", { value: t }, t)));
  form.elements.realis.append(...REALIS.map((r) => el("option", { value: r }, r)));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    state.events.offset = 0;
    guarded(loadEvents)();
  });
  // After "Clear" resets the fields, reload the first page with no filters.
  form.addEventListener("reset", () => setTimeout(() => {
    state.events.offset = 0;
    guarded(loadEvents)();
  }));
  $("page-prev").addEventListener("click", () => {
    state.events.offset = Math.max(0, state.events.offset - PAGE_SIZE);
    guarded(loadEvents)();
  });
  $("page-next").addEventListener("click", () => {
    state.events.offset += PAGE_SIZE;
    guarded(loadEvents)();
  });
  $("picker").addEventListener("submit", (e) => { e.preventDefault(); showDyad(); });
  $("pick-a").addEventListener("input", suggestActors);
  $("pick-b").addEventListener("input", suggestActors);
  form.elements.actor.addEventListener("input", suggestActors);
  $("actor-search").addEventListener("submit", (e) => {
    e.preventDefault();
    guarded(searchActors)($("actor-q").value.trim());
  });
  window.addEventListener("hashchange", route);
  route();
  guarded(loadStatus)();
  guarded(loadDyads)();
  showDyad();
}

start();
