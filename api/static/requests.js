// Requests that survive a double click, a dropped connection or a server restart: loaded before app.js.
"use strict";

// One Idempotency-Key per answer (and per session start). Every retry of that request below sends the
// same key, so the server stores it once and a retry of a request that was stored gets its reply back.
function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();  // secure contexts only (https, localhost)
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

const RETRY_DELAYS_MS = [500, 1500, 4000];
const RETRYABLE_CODES = new Set(["database_unavailable", "session_conflict"]);  // nothing was stored
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

class Final extends Error {}  // an answer from the server that a retry would not change

// Runs `attempt` until it returns; retries a dropped connection or a retryable error code.
async function withRetries(report, attempt) {
  for (let n = 0; ; n++) {
    try {
      const result = await attempt(n);
      if (n) report("Sent (after a retry).");
      return result;
    } catch (err) {
      if (err instanceof Final || n >= RETRY_DELAYS_MS.length) throw err;
      report(`Connection problem; trying again (${n + 1} of ${RETRY_DELAYS_MS.length})...`);
      await sleep(RETRY_DELAYS_MS[n]);
    }
  }
}

function failure(status, data) {
  const message = data.message || `HTTP ${status}`;
  return RETRYABLE_CODES.has(data.code) ? new Error(message) : new Final(message);
}

function parseEvents(buffer, onEvent) {
  const blocks = buffer.split("\n\n");
  const rest = blocks.pop();
  for (const block of blocks) {
    let name = "message", data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) name = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    if (data) onEvent(name, JSON.parse(data));
  }
  return rest;
}
