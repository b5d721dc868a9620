"""Write a SmolLM2 transcript with every interviewer line marked accepted (LLM-worded) or rejected (the
planned offline line, with the validator's reason and the model's rejected words), plus the run's
acceptance and latency figures: `python -m evals.llm_transcript` -> docs/eval/llm-transcript.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from evals.llm_path import simulate_llm
from interviewer.brains.llm import OFFLINE_MOVES
from interviewer.composition import Components
from interviewer.domain.rounds import Round
from interviewer.settings import apply_offline_environment, load_settings

DEFAULT_OUT = Path("docs/eval/llm-transcript.md")
RUN = (("expert", Round.ML_SYSTEM_DESIGN), ("weak", Round.BEHAVIORAL))


def _mark(turn: Any, events: list[Any]) -> str:
    if turn.kind in OFFLINE_MOVES:
        return "offline by design"
    if turn.brain == "llm":
        return "**accepted** (LLM)"
    rejected = next((e.detail for e in events if e.kind == "llm_rejected"), None)
    if rejected:
        reason, _, words = rejected.partition(": ")
        return f"**rejected: {reason}** (model wrote: “{words.strip()}”) — planned line said"
    return "**fallback: endpoint failed** — planned line said"


def transcript_markdown(runs: list[dict[str, Any]]) -> str:
    """The transcripts and, per run and overall, acceptance and latency."""
    lines = [
        "# SmolLM2-135M-Instruct as the interviewer's voice",
        "",
        "Written by `python -m evals.llm_transcript` (llama.cpp server on 127.0.0.1, 2 CPU cores). Each "
        "interviewer line the LLM brain words is marked: accepted (the model's words were shown) or "
        "rejected (the validator's reason, the model's words, and the planned offline line shown instead).",
        "",
    ]
    for run in runs:
        f = run["figures"]
        for interview in run["interviews"]:
            state = interview.state
            lines += [f"## {interview.persona} persona, {state.round} round", ""]
            for turn in state.turns:
                events = [e for e in state.events if e.turn_index == turn.index]
                text = " ".join(turn.text.split())
                if turn.speaker == "candidate":
                    lines.append(f"- **Candidate:** {text[:400]}{'…' if len(text) > 400 else ''}")
                else:
                    lines.append(f"- **Interviewer** [{turn.kind}; {_mark(turn, events)}]: {text[:600]}")
            lines.append("")
        lines += [
            f"Figures for this run: {f['llm_turns']} LLM turns, LLM-worded share {f['llm_worded_share']}, "
            f"fallbacks by reason {f['fallbacks_by_reason']}, key-point leaks {f['key_point_leaks']}, "
            f"turn latency p50 {f['turn_latency_p50_s']} s / p99 {f['turn_latency_p99_s']} s.",
            "",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Start SmolLM2, run the two interviews, write the markdown."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    apply_offline_environment()
    from api.local_llm import MODEL_NAME, local_llm

    components = Components(load_settings())
    with local_llm() as url:
        runs = [simulate_llm(components, url, MODEL_NAME, (persona,), (round_,)) for persona, round_ in RUN]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(transcript_markdown(runs), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
