// The web page: plain JS over the /v1 API. The key comes from #key=... (make run) or the key field.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { key: "", session: null, busy: false };

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  for (const child of children) node.append(child);
  return node;
}

function setStatus(text) { $("status").textContent = text; }

function loadKey() {
  const match = location.hash.match(/key=([^&]+)/);
  if (match) {
    localStorage.setItem("mi-key", decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname);  // keep the key out of the address bar
  }
  state.key = localStorage.getItem("mi-key") || "";
  $("api-key").value = state.key;
  $("api-key").addEventListener("change", (e) => {
    state.key = e.target.value.trim();
    localStorage.setItem("mi-key", state.key);
  });
}

function headers(extra = {}) {
  const h = { "Content-Type": "application/json", ...extra };
  if (state.key) h.Authorization = `Bearer ${state.key}`;
  return h;
}

async function api(method, path, body) {
  const response = await fetch(path, { method, headers: headers(), body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || `${response.status} ${response.statusText}`);
  return data;
}

async function postOnce(path, body) {
  const key = newKey();
  return withRetries(setStatus, async () => {
    const response = await fetch(path, { method: "POST", headers: headers({ "Idempotency-Key": key }), body: JSON.stringify(body) });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw failure(response.status, data);
    return data;
  });
}

// In an LLM session, a line the offline brain wrote means the model failed that turn, or the validator
// rejected its line (an llm_rejected event on that turn): say which. Hints, help, repeats and the wrap-up
// are the offline interviewer's exact words by design (interviewer/brains/llm.py OFFLINE_MOVES).
const OFFLINE_KINDS = ["hint", "repeat", "help", "unknown_command", "wrap_up"];
function standInNote(session, turn) {
  if (!(session && session.brain === "llm" && turn && turn.role === "interviewer" && turn.brain === "offline")) return "";
  if (OFFLINE_KINDS.includes(turn.kind)) return "";
  const index = session.turns.indexOf(turn);
  const rejected = (session.events || []).some((e) => e.kind === "llm_rejected" && e.turn_index === index);
  return rejected ? " (the model's line was rejected; the offline interviewer stood in)"
    : " (the model did not answer; the offline interviewer stood in)";
}

function addTurn(role, text, note = "") {
  const item = el("li", { className: role });
  item.append(el("span", { className: "who", textContent: (role === "candidate" ? "You" : "Interviewer") + note }));
  const body = el("span", { className: "text", textContent: text });
  item.append(body);
  $("transcript").append(item);
  $("transcript").scrollTop = $("transcript").scrollHeight;
  return body;
}

function renderTranscript(session) {
  $("transcript").replaceChildren();
  for (const turn of session.turns) addTurn(turn.role, turn.text, standInNote(session, turn));
}

function setBusy(busy) {
  state.busy = busy;
  for (const id of ["send", "hint", "skip", "end", "start"]) $(id).disabled = busy;
}

async function startSession(event) {
  event.preventDefault();
  const body = { round: $("round").value };
  if ($("company").value.trim()) body.company = $("company").value.trim();
  if ($("level").value) body.level = $("level").value;
  setBusy(true);
  try {
    state.session = await postOnce("/v1/sessions", body);
    $("report").hidden = true;
    $("chat").hidden = false;
    renderTranscript(state.session);
    setStatus(`Session started: ${state.session.round}`);
    $("answer").focus();
  } catch (err) {
    setStatus(`Could not start: ${err.message}`);
  } finally {
    setBusy(false);
  }
}

// One try at streaming the reply: its `done` data, or an Error (retryable) / Final (not).
async function streamReply(content, key, target) {
  target.textContent = "";
  const response = await fetch(`/v1/sessions/${state.session.id}/messages`, {
    method: "POST",
    headers: headers({ Accept: "text/event-stream", "Idempotency-Key": key }),
    body: JSON.stringify({ content }),
  });
  if (!response.ok) throw failure(response.status, await response.json().catch(() => ({})));
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "", done = null, error = null;
  for (;;) {
    const { value, done: finished } = await reader.read();
    if (finished) break;
    buffer = parseEvents(buffer + decoder.decode(value, { stream: true }), (name, data) => {
      if (name === "token") target.textContent += data.text;
      else if (name === "done") done = data;
      else if (name === "error") error = failure(200, data);
    });
  }
  if (error) throw error;
  if (!done) throw new Error("the reply was interrupted");  // the retry returns it if it was stored
  return done;
}

async function send(content) {
  if (!state.session || state.busy || !content.trim()) return;
  setBusy(true);
  addTurn("candidate", content);
  const target = addTurn("interviewer", "");
  target.parentElement.setAttribute("aria-busy", "true");
  const key = newKey();  // this answer's key: a retry of it is never stored twice
  try {
    const done = await withRetries(setStatus, () => streamReply(content, key, target));
    target.textContent = done.reply.text;
    state.session = done.session;
    const note = standInNote(done.session, done.session.turns[done.session.turns.length - 1]);
    if (note) target.previousElementSibling.textContent += note;
    if (done.ended) await showReport(done.report);
  } catch (err) {
    setStatus(`Problem: ${err.message}`);
  } finally {
    target.parentElement.removeAttribute("aria-busy");
    setBusy(false);
  }
}

function listSection(title, items, render) {
  const section = el("section");
  section.append(el("h3", { textContent: title }));
  if (!items || !items.length) { section.append(el("p", { className: "muted", textContent: "None." })); return section; }
  const list = el("ul");
  for (const item of items) list.append(render(item));
  section.append(list);
  return section;
}

function guideLinks(item) {
  const li = el("li", { textContent: item.text });
  for (const ref of item.guide_refs || []) {
    li.append(el("div", { className: "muted", textContent: `Guide: ${ref.title}${ref.section ? " › " + ref.section : ""}` }));
  }
  return li;
}

function criteriaTable(criteria) {
  const table = el("table", { className: "data" });
  table.append(el("caption", { className: "muted", textContent: "Per-criterion scores (1-4), with your words as evidence" }));
  const head = el("tr");
  for (const label of ["Criterion", "Score", "Rubric", "Evidence"]) head.append(el("th", { scope: "col", textContent: label }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const c of criteria) {
    const evidence = el("td");
    if (c.evidence.length) for (const quote of c.evidence) evidence.append(el("blockquote", { textContent: quote }));
    else evidence.append(el("span", { className: "muted", textContent: "insufficient evidence" }));
    body.append(el("tr", {},
      el("th", { scope: "row", textContent: c.name }),
      el("td", { textContent: c.score === null ? "n/a" : `${c.score}/4` }),
      el("td", {}, el("div", { textContent: c.descriptor }), el("div", { className: "muted", textContent: c.rubric_ref })),
      evidence));
  }
  table.append(body);
  return table;
}

async function showReport(report) {
  if (!report) report = await api("GET", `/v1/sessions/${state.session.id}/report`);
  const box = $("report");
  box.replaceChildren(el("h2", { id: "report-title", textContent: "Feedback report" }));
  box.append(el("p", {},
    el("span", { className: "score", textContent: report.overall.score.toFixed(2) }),
    ` / 4 — ${report.overall.recommendation} (confidence ${Math.round(report.overall.confidence * 100)}%)`));
  box.append(el("p", { textContent: report.feedback.summary }));
  box.append(criteriaTable(report.criteria));
  const missed = (report.questions || []).flatMap((q) => q.missed_key_points || []);
  box.append(listSection("Key points you missed", missed, (t) => el("li", { textContent: t })));
  box.append(listSection("Strengths", report.feedback.strengths, guideLinks));
  box.append(listSection("Gaps", report.feedback.gaps, guideLinks));
  box.append(listSection("Practise next", report.feedback.practice_next, guideLinks));
  const outlines = (report.questions || []).map((q) => q.feedback.model_answer).filter(Boolean);
  if (report.feedback.model_answer) outlines.unshift(report.feedback.model_answer);
  box.append(listSection("Model answer outline", [...new Set(outlines)], (t) => el("li", { className: "outline", textContent: t })));
  if (report.flags && report.flags.length) box.append(el("p", { className: "muted", textContent: `Flags: ${report.flags.join(", ")}` }));
  box.hidden = false;
  box.focus();
  setStatus("Session ended: feedback report ready");
}

function chart(points) {
  const ns = "http://www.w3.org/2000/svg";
  const ids = [...new Set(points.flatMap((p) => Object.keys(p.criteria)))];
  const w = 640, h = 240, left = 30, top = 10, bottom = 30, right = 150;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${h}`);
  const x = (i) => left + (points.length < 2 ? 0 : (i * (w - left - right)) / (points.length - 1));
  const y = (s) => top + ((4 - s) * (h - top - bottom)) / 3;
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text) node.textContent = text;
    svg.append(node);
  };
  for (let s = 1; s <= 4; s++) {
    add("line", { x1: left, x2: w - right, y1: y(s), y2: y(s), stroke: "#ddd" });
    add("text", { x: 5, y: y(s) + 4, "font-size": 12 }, String(s));
  }
  const colours = ["#1f5fbf", "#c2410c", "#15803d", "#7e22ce", "#b45309", "#0e7490"];
  ids.forEach((id, n) => {
    const colour = colours[n % colours.length];
    const coords = points.map((p, i) => [p.criteria[id], i]).filter(([s]) => s !== null && s !== undefined);
    if (coords.length) add("polyline", { fill: "none", stroke: colour, "stroke-width": 2, points: coords.map(([s, i]) => `${x(i)},${y(s)}`).join(" ") });
    for (const [s, i] of coords) add("circle", { cx: x(i), cy: y(s), r: 3.5, fill: colour });
    const name = points.find((p) => p.names[id])?.names[id] || id;
    add("text", { x: w - right + 10, y: top + 16 * (n + 1), fill: colour, "font-size": 12 }, name);
  });
  points.forEach((p, i) => add("text", { x: x(i) - 4, y: h - 10, "font-size": 11 }, `#${i + 1}`));
  return svg;
}

async function showHistory() {
  try {
    const round = $("history-round").value;
    const { points } = await api("GET", `/v1/progress?round=${encodeURIComponent(round)}`);
    $("chart").replaceChildren(points.length ? chart(points) : el("p", { className: "muted", textContent: "No finished sessions in this round yet." }));
    const table = $("progress-table");
    table.replaceChildren();
    if (points.length) {
      const ids = [...new Set(points.flatMap((p) => Object.keys(p.criteria)))];
      const head = el("tr", {}, el("th", { scope: "col", textContent: "Session" }), el("th", { scope: "col", textContent: "Overall" }));
      for (const id of ids) head.append(el("th", { scope: "col", textContent: points.find((p) => p.names[id])?.names[id] || id }));
      table.append(el("thead", {}, head));
      const body = el("tbody");
      points.forEach((p, i) => {
        const row = el("tr", {}, el("th", { scope: "row", textContent: `#${i + 1} ${new Date(p.at).toLocaleDateString()}` }), el("td", { textContent: p.overall.toFixed(2) }));
        for (const id of ids) row.append(el("td", { textContent: p.criteria[id] ?? "n/a" }));
        body.append(row);
      });
      table.append(body);
    }
    const { items } = await api("GET", "/v1/sessions?limit=50");
    $("sessions").replaceChildren(...items.map((s) => el("li", {
      textContent: `${s.round}${s.company ? " @ " + s.company : ""} — ${s.status}, ${s.turns} turns${s.overall ? ", score " + s.overall.toFixed(2) : ""}`,
    })));
  } catch (err) {
    setStatus(`Could not load history: ${err.message}`);
  }
}

function showView(name) {
  for (const view of ["interview", "history"]) {
    $(`view-${view}`).hidden = view !== name;
    $(`tab-${view}`).setAttribute("aria-pressed", String(view === name));
  }
  if (name === "history") showHistory();
}

document.addEventListener("DOMContentLoaded", () => {
  loadKey();
  $("setup").addEventListener("submit", startSession);
  $("composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("answer").value;
    $("answer").value = "";
    send(text);
  });
  $("answer").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  for (const id of ["hint", "skip", "end"]) $(id).addEventListener("click", (e) => send(e.target.dataset.command));
  $("tab-interview").addEventListener("click", () => showView("interview"));
  $("tab-history").addEventListener("click", () => showView("history"));
  $("history-round").addEventListener("change", showHistory);
});
