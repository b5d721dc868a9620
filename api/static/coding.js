// The coding rounds' page: plain JS over /v1/coding. The first action on a problem starts a stored session
// (listed in the history like any other); the page sends its id with every later action, and the server
// keeps the questions, words and run count. The editor is CodeMirror 5, vendored (works offline).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { key: "", problem: null, session: null, editor: null, wanted: "" };

function headers() {
  const h = { "Content-Type": "application/json" };
  if (state.key) h.Authorization = `Bearer ${state.key}`;
  return h;
}

async function call(method, path, body) {
  const response = await fetch(path, { method, headers: headers(), body: body ? JSON.stringify(body) : undefined });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
  return data;
}

function setStatus(text) { $("status").textContent = text; }

function say(who, text) {
  const li = document.createElement("li");
  li.className = who;
  li.textContent = `${who}: ${text}`;
  $("conversation").appendChild(li);
}

async function loadProblems() {
  const { problems } = await call("GET", "/v1/coding/problems");
  for (const p of problems) {
    const option = document.createElement("option");
    option.value = p.id;
    option.textContent = `${p.round}: ${p.title} (${p.difficulty})`;
    $("problem").appendChild(option);
  }
  if (state.wanted && problems.some((p) => p.id === state.wanted)) $("problem").value = state.wanted;
  await choose($("problem").value);
}

async function choose(id) {
  const p = await call("GET", `/v1/coding/problems/${encodeURIComponent(id)}`);
  if ($("problem").value !== id) return; // a later choice superseded this one while it loaded
  state.problem = p;
  state.session = null;
  $("statement").textContent = p.statement;
  $("examples").replaceChildren(...p.examples.map((e) => Object.assign(document.createElement("li"), { textContent: e.call })));
  $("conversation").replaceChildren();
  state.editor.setValue(p.starter);
  $("result").hidden = true;
}

// One action in the problem's session; null if the user chose another problem while it ran.
async function send(action, body) {
  const problem = state.problem;
  const data = await call("POST", `/v1/coding/problems/${problem.id}/${action}`, { ...body, session_id: state.session });
  if (state.problem !== problem) return null;
  state.session = data.session_id;
  return data;
}

async function ask() {
  const question = $("question").value.trim();
  if (!question) return;
  say("candidate", question);
  const data = await send("ask", { question });
  if (data) say("interviewer", data.answer);
  $("question").value = "";
}

function showRun(data) {
  $("reply").textContent = data.reply;
  $("results").replaceChildren(...data.results.map((r) => {
    const tr = document.createElement("tr");
    for (const text of [r.name, r.kind, r.passed ? "pass" : "FAIL", r.message || ""]) {
      tr.appendChild(Object.assign(document.createElement("td"), { textContent: text }));
    }
    tr.className = r.passed ? "pass" : "fail";
    return tr;
  }));
  $("output").textContent = [data.stdout, data.stderr].filter(Boolean).join("\n");
  $("report").replaceChildren();
  $("result").hidden = false;
  say("interviewer", data.reply);
}

function showReport(report) {
  const head = Object.assign(document.createElement("p"), { className: "score" });
  head.textContent = `${report.overall.toFixed(2)} of 4 · ${report.label}` + (report.capped ? ` (capped: ${report.capped})` : "");
  const table = document.createElement("table");
  table.className = "data";
  for (const c of report.criteria) {
    const tr = document.createElement("tr");
    for (const text of [c.name, String(c.level), c.evidence.join("; ")]) {
      tr.appendChild(Object.assign(document.createElement("td"), { textContent: text }));
    }
    table.appendChild(tr);
  }
  $("report").replaceChildren(head, table);
}

async function act(kind) {
  const code = state.editor.getValue();
  const busy = [$("run"), $("submit")];
  busy.forEach((b) => { b.disabled = true; });
  setStatus(kind === "run" ? "Running the examples..." : "Running every test...");
  try {
    if (kind === "run") {
      const data = await send("run", { code });
      if (data) showRun(data);
    } else {
      const words = $("words").value.trim();
      const data = await send("submit", { code, words: words ? [words] : [] });
      if (data) {
        $("words").value = "";
        showRun(data);
        showReport(data.report);
      }
    }
    setStatus("");
    $("result").focus();
  } catch (err) {
    setStatus(`Error: ${err.message}`);
  } finally {
    busy.forEach((b) => { b.disabled = false; });
  }
}

function init() {
  // #key=... (the local user's key) and #problem=... (a study-plan item on the main page) arrive once.
  const match = location.hash.match(/key=([^&]+)/);
  const wanted = location.hash.match(/problem=([^&]+)/);
  state.wanted = wanted ? decodeURIComponent(wanted[1]) : "";
  if (match) localStorage.setItem("mi-key", decodeURIComponent(match[1]));
  if (match || wanted) history.replaceState(null, "", location.pathname);
  state.key = localStorage.getItem("mi-key") || "";
  $("key").value = state.key;
  $("key").addEventListener("change", (e) => { state.key = e.target.value.trim(); localStorage.setItem("mi-key", state.key); });
  state.editor = CodeMirror.fromTextArea($("code"), { mode: "python", lineNumbers: true, indentUnit: 4 });
  $("problem").addEventListener("change", (e) => choose(e.target.value).catch((err) => setStatus(`Error: ${err.message}`)));
  $("ask").addEventListener("click", () => ask().catch((err) => setStatus(`Error: ${err.message}`)));
  $("run").addEventListener("click", () => act("run"));
  $("submit").addEventListener("click", () => act("submit"));
  loadProblems().catch((err) => setStatus(`Error: ${err.message}`));
}

document.addEventListener("DOMContentLoaded", init);
