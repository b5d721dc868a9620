// The web page: plain JS over the /v1 API. The key comes from #key=... (make run) or the key field.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { key: "", session: null, busy: false, openedAt: null };

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

// Elapsed time (ticking locally from the server's figure), the round phase and the time box.
function showPace(session) {
  if (session.elapsed_seconds !== null && session.elapsed_seconds !== undefined) {
    state.openedAt = Date.now() - session.elapsed_seconds * 1000;
  }
  state.phase = session.phase;
  state.timeBox = session.time_box_minutes;
  renderPace();
}

function renderPace() {
  if (state.openedAt === null) return;
  const seconds = Math.max(0, Math.floor((Date.now() - state.openedAt) / 1000));
  const clock = `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  const parts = [`Elapsed ${clock}`];
  if (state.phase) parts.push(`phase: ${state.phase}`);
  if (state.timeBox) parts.push(`time box ${state.timeBox} min`);
  $("pace").textContent = parts.join(" · ");
}

function sessionRequest() {
  const body = { round: $("round").value };
  if ($("company").value.trim()) body.company = $("company").value.trim();
  if ($("level").value) body.level = $("level").value;
  if ($("minutes").value) body.minutes = Number($("minutes").value);
  return body;
}

async function startSession(event) {
  event.preventDefault();
  await openSession(sessionRequest());
}

// "Practise this question again": a new session of the same round opening on that question.
async function practiseAgain(round, questionId) {
  await openSession({ round, question_id: questionId });
}

async function openSession(body) {
  setBusy(true);
  try {
    state.session = await postOnce("/v1/sessions", body);
    $("report").hidden = true;
    $("chat").hidden = false;
    renderTranscript(state.session);
    showPace(state.session);
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
    showPace(done.session);
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

function folded(title, lines, open = false) {
  const box = el("details", { open });
  box.append(el("summary", { textContent: title }));
  const list = el("ul");
  for (const line of lines) list.append(el("li", { textContent: line }));
  box.append(list);
  return box;
}

// Each quote once: a sentence cited under an earlier criterion is not repeated under a later one.
function criteriaTable(criteria) {
  const table = el("table", { className: "data" });
  table.append(el("caption", { className: "muted", textContent: "Per-criterion scores (1-4), with your words as evidence" }));
  const head = el("tr");
  for (const label of ["Criterion", "Score", "Rubric", "Evidence"]) head.append(el("th", { scope: "col", textContent: label }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  const shown = new Set();
  for (const c of criteria) {
    const evidence = el("td");
    const fresh = c.evidence.filter((quote) => !shown.has(quote));
    c.evidence.forEach((quote) => shown.add(quote));
    if (fresh.length) for (const quote of fresh) evidence.append(el("blockquote", { textContent: quote }));
    else evidence.append(el("span", { className: "muted", textContent: c.evidence.length ? "(quoted above)" : "insufficient evidence" }));
    body.append(el("tr", {},
      el("th", { scope: "row", textContent: c.name }),
      el("td", { textContent: c.score === null ? "n/a" : `${c.score}/4` }),
      el("td", {}, el("div", { textContent: c.descriptor }), el("div", { className: "muted", textContent: c.rubric_ref })),
      evidence));
  }
  table.append(body);
  return table;
}

// Coach-first: the three summary lines, the criteria (open), then the folded details.
async function showReport(report) {
  if (!report) report = await api("GET", `/v1/sessions/${state.session.id}/report`);
  const box = $("report");
  box.replaceChildren(el("h2", { id: "report-title", textContent: "Feedback report" }));
  const [level, strength, practise] = report.summary.lines;
  const coach = el("div", { id: "coach-summary", className: "coach" });
  coach.append(el("p", { className: "level" }, el("span", { className: "score", textContent: report.overall.score.toFixed(2) }), " / 4 — ", level));
  coach.append(el("p", { className: "strength", textContent: strength }));
  if (practise) coach.append(el("p", { className: "practise", textContent: practise }));
  box.append(coach);
  const scores = el("details", { open: true, className: "criteria" }, el("summary", { textContent: "Scores per criterion, with your words" }));
  scores.append(criteriaTable(report.criteria));
  box.append(scores);
  for (const section of report.details || []) box.append(folded(section.title, section.lines));
  if (report.flags && report.flags.length) box.append(el("p", { className: "muted", textContent: `Flags: ${report.flags.join(", ")}` }));
  const round = state.session.round;
  for (const q of (report.questions || []).filter((q) => q.question_id)) {
    const again = el("button", { type: "button", className: "practise-again", textContent: "Practise this question again" });
    again.setAttribute("aria-label", `Practise this question again: ${q.question}`);
    again.addEventListener("click", () => practiseAgain(round, q.question_id));
    box.append(el("p", {}, again));
  }
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

const ROUND_NAMES = { "ml-system-design": "ML system design", behavioral: "Behavioral", "case-study": "Case study", "ml-depth": "ML depth", coding: "Coding", "ml-coding": "ML coding" };
const progressData = { points: [], trends: [], weakest: [], latest_round: null };

function levelsText(levels) { return levels.map((l) => (l === null ? "–" : String(l))).join(" → "); }

function renderRound() {
  const round = $("history-round").value;
  const points = progressData.points.filter((p) => p.round === round);
  $("chart").replaceChildren(points.length ? chart(points) : el("p", { className: "muted", textContent: "No finished sessions in this round yet." }));
  const table = $("progress-table");
  table.replaceChildren();
  const trends = progressData.trends.filter((t) => t.round === round);
  if (!trends.length) return;
  const head = el("tr");
  for (const label of ["Criterion", "Levels, oldest first", "Last", "Mean", "Trend"]) head.append(el("th", { scope: "col", textContent: label }));
  table.append(el("thead", {}, head));
  const body = el("tbody");
  for (const t of trends) {
    body.append(el("tr", {},
      el("th", { scope: "row", textContent: t.name }),
      el("td", { textContent: levelsText(t.levels) }),
      el("td", { textContent: t.last ?? "n/a" }),
      el("td", { textContent: t.mean === null ? "n/a" : t.mean.toFixed(2) }),
      el("td", { textContent: t.trend })));
  }
  table.append(body);
}

function download(name, type, text) {
  const link = el("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

async function exportProgress(format) {
  try {
    if (format === "json") { download("progress.json", "application/json", JSON.stringify(progressData, null, 2)); return; }
    const response = await fetch("/v1/progress?format=csv", { headers: headers() });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    download("progress.csv", "text/csv", await response.text());
  } catch (err) {
    setStatus(`Could not export: ${err.message}`);
  }
}

const CODING_ROUNDS = ["coding", "ml-coding"];

async function practise(item) {
  if (CODING_ROUNDS.includes(item.round)) {  // problems are worked on the coding page, with its editor
    location.href = `/static/coding.html${item.question_id ? `#problem=${encodeURIComponent(item.question_id)}` : ""}`;
    return;
  }
  showView("interview");
  $("round").value = item.round;
  const body = { round: item.round };
  if (item.question_id) body.question_id = item.question_id;
  setBusy(true);
  try {
    state.session = await postOnce("/v1/sessions", body);
    $("report").hidden = true;
    $("chat").hidden = false;
    renderTranscript(state.session);
    setStatus(`Practising: ${item.criterion || "a question"} (${item.round})`);
    $("answer").focus();
  } catch (err) {
    setStatus(`Could not start: ${err.message}`);
  } finally {
    setBusy(false);
  }
}

function renderPlan(plan) {
  const list = $("plan");
  if (!plan.items.length) {
    list.replaceChildren(el("li", { className: "muted", textContent: "Finish an interview to get a study plan." }));
    return;
  }
  const now = new Date(plan.generated_at);
  list.replaceChildren(...plan.items.map((item) => {
    const due = new Date(item.due) <= now ? "due now" : `due ${new Date(item.due).toLocaleDateString()}`;
    const what = item.kind === "criterion" ? `${item.criterion} (${ROUND_NAMES[item.round] || item.round})` : `Question again (${ROUND_NAMES[item.round] || item.round})`;
    const li = el("li", { className: "plan-item" });
    li.append(el("strong", { textContent: what }), ` — last level ${item.last_level}, ${due}`);
    if (item.question) li.append(el("div", { className: "muted", textContent: item.question }));
    li.append(el("button", { type: "button", className: "practise-next", textContent: "Practise next", onclick: () => practise(item) }));
    return li;
  }));
  $("plan-note").textContent = plan.include_recent ? "" : `Questions you saw in the last ${plan.recent_days} days are left out.`;
}

async function showHistory() {
  try {
    const data = await api("GET", "/v1/progress");
    Object.assign(progressData, data);
    const select = $("history-round");
    const rounds = [...new Set([...data.points.map((p) => p.round), ...[...select.options].map((o) => o.value)])];
    select.replaceChildren(...rounds.map((r) => el("option", { value: r, textContent: ROUND_NAMES[r] || r })));
    if (data.latest_round) select.value = data.latest_round;
    renderRound();
    $("weakest").textContent = data.weakest.length
      ? "Weakest across rounds: " + data.weakest.map((t) => `${t.name} (${ROUND_NAMES[t.round] || t.round}, last ${t.last === null ? "no evidence" : "level " + t.last})`).join("; ")
      : "";
    renderPlan(await api("GET", "/v1/plan"));
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
  $("history-round").addEventListener("change", renderRound);
  $("export-csv").addEventListener("click", () => exportProgress("csv"));
  $("export-json").addEventListener("click", () => exportProgress("json"));
  setInterval(renderPace, 1000);
});
