"""The `llm` eval suite: the LLM brain and the LLM review measured for real.

Simulated interviews (personas x 4 rounds) with MI_BRAIN=llm, first against the packaged SmolLM2 on a
llama.cpp server this suite starts on 127.0.0.1, then against a scripted "good" model behind the same
protocol, so the gap between a weak and a capable model shows. Per run: the share of LLM-worded turns
and of fallbacks by reason, key-point leaks, repeated questions, turn latency p50/p99. Then the
validator's similarity threshold sweep, the bounded review (evals/llm_review_eval.py) and ragas' LLM
metrics through SmolLM2 as the judge (reported with their NaN rate; the deterministic faithfulness
checks stay the gate).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evals.followups import FollowUpJudge
from evals.llm_review_eval import run_review_eval
from evals.personas import load_personas
from evals.simulate import Interview, interview_metrics, run_interview
from evals.suites import EvalOptions
from interviewer.brains.llm import OFFLINE_MOVES
from interviewer.brains.validator import TurnValidator
from interviewer.composition import Components, build_chat_model
from interviewer.domain.rounds import Round
from interviewer.llm.scripted import GoodScriptedModel
from interviewer.ports import ChatMessage, ChatModel
from interviewer.text import split_sentences

CAST = ("expert", "prompt-injector")  # sized for a few minutes on 2 shared cores
QUICK_CAST = ("expert",)
SWEEP = tuple(round(0.3 + 0.05 * i, 2) for i in range(11))
SERVER_SETTINGS = {"llm_timeout_s": 20.0, "llm_max_retries": 1, "llm_retry_backoff_s": 0.2}


@dataclass
class Pair:
    """One wording call: the planned line in the prompt and the model's whole reply."""

    planned: str
    reply: str


@dataclass
class RecordingModel:
    """Delegates to a ChatModel and keeps (planned line, reply) of each wording call that ran to its end."""

    inner: ChatModel
    pairs: list[Pair] = field(default_factory=list)

    def complete(
        self, messages: list[ChatMessage], *, max_tokens: int | None = None, json_schema=None
    ) -> str:  # type: ignore[no-untyped-def]
        return self.inner.complete(messages, max_tokens=max_tokens, json_schema=json_schema)

    def stream(self, messages: list[ChatMessage], *, max_tokens: int | None = None) -> Iterator[str]:
        parts: list[str] = []
        for piece in self.inner.stream(messages, max_tokens=max_tokens):
            parts.append(piece)
            yield piece
        planned = messages[-1].content.rsplit('Line: "', 1)[-1].removesuffix('"')
        self.pairs.append(Pair(planned, "".join(parts).strip()))


class TimedInterviewer:
    """The engine with each interviewer turn's wall time kept by (session id, turn index)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.seconds: dict[tuple[str, int], float] = {}

    def start(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        state = self.inner.start(*args, **kwargs)
        self.seconds[(state.id, len(state.turns) - 1)] = time.perf_counter() - started
        return state

    def advance(self, state: Any) -> Any:
        started = time.perf_counter()
        reply = self.inner.advance(state)
        self.seconds[(reply.state.id, len(reply.state.turns) - 1)] = time.perf_counter() - started
        return reply

    def record_candidate(self, state: Any, text: str) -> Any:
        return self.inner.record_candidate(state, text)

    def end(self, state: Any) -> Any:
        return self.inner.end(state)


def turn_outcomes(interview: Interview) -> list[dict[str, Any]]:
    """Each interviewer turn the LLM brain words: who worded it and, for a fallback, why."""
    state = interview.state
    out = []
    for turn in state.turns:
        if turn.speaker != "interviewer" or turn.kind in OFFLINE_MOVES:
            continue
        events = [e for e in state.events if e.turn_index == turn.index]
        reason = next((e.detail.split(":", 1)[0] for e in events if e.kind == "llm_rejected"), None)
        if reason is None and any(e.kind == "llm_fallback" for e in events):
            reason = "endpoint_failed"
        out.append(
            {
                "session": state.id,
                "index": turn.index,
                "kind": turn.kind,
                "text": turn.text,
                "brain": turn.brain,
                "reason": reason,
            }
        )
    return out


def repeated_shown_questions(interview: Interview) -> int:
    """Questions the candidate saw twice in one session (the shown lines, as worded)."""
    asked = [
        " ".join(s.lower().split())
        for t in interview.state.turns
        if t.speaker == "interviewer" and t.kind != "wrap_up"
        for s, _, _ in split_sentences(t.text)
        if s.endswith("?")
    ]
    return len(asked) - len(set(asked))


def _percentile(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 3) if values else None


def simulate_llm(
    components: Components,
    base_url: str,
    model_name: str,
    cast: tuple[str, ...],
    rounds: tuple[Round, ...] = tuple(Round),
) -> dict:
    """Personas x rounds with the llm brain at `base_url`; the figures and the interviews."""
    settings = components.settings.model_copy(
        update={
            "brain": "llm",
            "llm_base_url": base_url,
            "llm_model": model_name,
            "llm_review": False,
            **SERVER_SETTINGS,
        }
    )
    model = RecordingModel(build_chat_model(settings))
    llm_components = Components(
        settings, embedder=components.embedder(), chat_model=model, bank=components.bank()
    )
    bank = llm_components.bank()
    timed = TimedInterviewer(llm_components.interviewer())
    judge = FollowUpJudge(bank, llm_components.analyzer())
    personas = [p for p in load_personas() if p.name in cast]
    interviews, rows, outcomes = [], [], []
    started = time.perf_counter()
    for round_ in rounds:
        for persona in personas:
            interview = run_interview(timed, persona, round_, bank, judge, seed=settings.seed)
            interviews.append(interview)
            rows.append(
                interview_metrics(interview, bank, judge) | {"shown": repeated_shown_questions(interview)}
            )
            outcomes += turn_outcomes(interview)
    latencies = [
        timed.seconds[(o["session"], o["index"])]
        for o in outcomes
        if (o["session"], o["index"]) in timed.seconds
    ]
    worded = [o for o in outcomes if o["brain"] == "llm"]
    reasons = Counter(o["reason"] or "other" for o in outcomes if o["brain"] != "llm")
    figures = {
        "model": model_name,
        "interviews": len(interviews),
        "llm_turns": len(outcomes),
        "llm_worded_share": round(len(worded) / len(outcomes), 4) if outcomes else None,
        "fallback_share": round(1 - len(worded) / len(outcomes), 4) if outcomes else None,
        "fallbacks_by_reason": dict(sorted(reasons.items())),
        "key_point_leaks": sum(r["leaked_key_points"] for r in rows),
        "repeated_questions": sum(r["repeated_questions"] for r in rows),
        "repeated_probe_lines": sum(r["repeated_probe_lines"] for r in rows),
        "repeated_shown_questions": sum(r["shown"] for r in rows),
        "turn_latency_p50_s": _percentile(latencies, 50),
        "turn_latency_p99_s": _percentile(latencies, 99),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return {"figures": figures, "interviews": interviews, "pairs": model.pairs, "outcomes": outcomes}


def threshold_sweep(validator: TurnValidator, good: list[Pair], weak: list[Pair]) -> dict[str, Any]:
    """On-target similarity: good rewordings (positives), replies paired with another turn's plan
    (negatives), and the share of SmolLM2's replies that pass, at each threshold."""

    def sims(pairs: list[Pair]) -> list[float]:
        return [validator.similarity(p.reply, p.planned) for p in pairs if p.reply]

    shuffled = [Pair(good[(i + 1) % len(good)].planned, p.reply) for i, p in enumerate(good)]
    shuffled = [p for p, q in zip(shuffled, good, strict=True) if p.planned != q.planned]
    positive, negative, smol = sims(good), sims(shuffled), sims(weak)
    rows = []
    for t in SWEEP:
        accepted = np.mean([s >= t for s in positive]) if positive else float("nan")
        rejected = np.mean([s < t for s in negative]) if negative else float("nan")
        smol_pass = np.mean([s >= t for s in smol]) if smol else float("nan")
        rows.append(
            {
                "threshold": t,
                "good_accepted": round(float(accepted), 3),
                "mismatched_rejected": round(float(rejected), 3),
                "smollm2_on_target": round(float(smol_pass), 3),
            }
        )
    return {
        "in_use": validator.threshold,
        "pairs": {"good": len(positive), "mismatched": len(negative), "smollm2": len(smol)},
        "rows": rows,
    }


@contextmanager
def _smollm2() -> Iterator[str]:
    from api.local_llm import local_llm

    with local_llm() as url:
        yield url


def run_llm_eval(components: Components, options: EvalOptions) -> dict[str, Any]:
    """The whole `llm` section: SmolLM2 and the scripted good model, review, sweep, ragas judge."""
    from api.local_llm import MODEL_NAME

    cast = QUICK_CAST if options.quick else CAST
    result: dict[str, Any] = {}
    with _smollm2() as url:
        smol = simulate_llm(components, url, MODEL_NAME, cast)
        result["smollm2"] = smol["figures"]
        smol_model = build_chat_model(
            components.settings.model_copy(
                update={
                    "llm_base_url": url,
                    "llm_model": MODEL_NAME,
                    "llm_timeout_s": 60.0,
                    "llm_temperature": 0.0,
                }
            )
        )
        result["review_smollm2"] = run_review_eval(components, smol_model, ladders=1 if options.quick else 2)
        result["ragas_judge_smollm2"] = _ragas(components, smol["interviews"], url, MODEL_NAME, options)
    from evals.openai_server import serve_model

    with serve_model(GoodScriptedModel()) as url:
        good = simulate_llm(components, url, "scripted-good", cast)
    result["scripted_good"] = good["figures"]
    ladders = 4 if options.quick else None  # scripted judges are instant: the whole calibration set
    result["review_scripted_judge"] = run_review_eval(
        components, GoodScriptedModel(adversarial=True), ladders=ladders
    )
    result["review_scripted_good"] = run_review_eval(components, GoodScriptedModel(), ladders=ladders)
    validator = TurnValidator(components.embedder())
    result["threshold_sweep"] = threshold_sweep(validator, good["pairs"], smol["pairs"])
    options.shared["llm_interviews"] = smol["interviews"]
    options.shared["llm_outcomes"] = smol["outcomes"]
    result["headline"] = [
        "smollm2.llm_worded_share",
        "smollm2.key_point_leaks",
        "smollm2.turn_latency_p50_s",
        "smollm2.turn_latency_p99_s",
        "scripted_good.llm_worded_share",
        "scripted_good.key_point_leaks",
        "review_smollm2.acceptance_rate",
        "review_smollm2.verdict",
        "review_scripted_judge.mechanics_hold",
    ]
    return result


def _ragas(components: Components, interviews: list, url: str, model: str, options: EvalOptions) -> dict:
    from evals.faithfulness import judge_samples
    from evals.ragas_metrics import judge_metrics

    samples = judge_samples(interviews, components.bank(), limit=1)
    started = time.perf_counter()
    try:
        figures: dict[str, Any] = dict(
            judge_metrics(
                samples,
                base_url=url,
                model=model,
                embedder=components.embedder(),
                timeout_s=60.0,
                max_tokens=256,
            )
        )
    except Exception as exc:  # noqa: BLE001 - the judge figures are reported, never a gate
        figures = {"error": f"{type(exc).__name__}: {exc}"}
    figures["samples"] = len(samples)
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["note"] = "report-only: small generative judges are near chance; deterministic faithfulness gates"
    return figures


def run_llm_simulation(components: Components, options: EvalOptions) -> dict[str, Any]:
    """`eval simulate --brain llm`: the SmolLM2 simulation figures only (and per-turn outcomes)."""
    from api.local_llm import MODEL_NAME

    with _smollm2() as url:
        smol = simulate_llm(components, url, MODEL_NAME, QUICK_CAST if options.quick else CAST)
    return {
        **smol["figures"],
        "turns": smol["outcomes"],
        "headline": [
            "llm_worded_share",
            "fallbacks_by_reason",
            "key_point_leaks",
            "repeated_questions",
            "turn_latency_p50_s",
            "turn_latency_p99_s",
        ],
    }


def main() -> None:
    """`python -m evals.llm_path [--quick] [--out FILE]`: the llm section alone (JSON; stdout without --out).

    The committed figures are the `llm` section of docs/eval/report.json (`make eval`)."""
    import argparse
    import json
    from pathlib import Path

    from interviewer.settings import apply_offline_environment, load_settings

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    apply_offline_environment()
    started = time.perf_counter()
    result = run_llm_eval(Components(load_settings()), EvalOptions(quick=args.quick))
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["command"] = "python -m evals.llm_path" + (" --quick" if args.quick else "")
    text = json.dumps(result, indent=2, default=str) + "\n"
    if args.out is None:
        print(text, end="")
        return
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
