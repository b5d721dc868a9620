"""One full offline transcript per round showing the interviewer listening (issue 11).

In each, the candidate asks a clarifying question, covers a key point early, and once answers a
different problem; the engine and the offline brain run exactly as in a session. Writes
docs/eval/listening-transcripts.md:

    python -m evals.listening_transcripts [--out PATH]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from interviewer.composition import Components
from interviewer.domain.rounds import Round
from interviewer.domain.session import SessionState
from interviewer.settings import REPO_ROOT, load_settings

OUT = REPO_ROOT / "docs" / "eval" / "listening-transcripts.md"
SEED = 7


@dataclass(frozen=True)
class Script:
    question_id: str
    turns: tuple[str, ...]


SCRIPTS = (
    Script(
        "sd-invoice-document-extraction",
        (
            "How many invoices come in per day, and how fast do they need to be paid? Is there a team that "
            "could review some of them?",
            "My success measures are field accuracy and the straight-through rate: I'd aim for about 80% of "
            "invoices paid with nobody touching them and under half a percent errors on the total, because a "
            "wrong total is the costly mistake. The pipeline is OCR for words and boxes, then a layout-aware "
            "model that fills a fixed schema.",
            "I would build a two-tower recommender: one tower embeds the user's history, the "
            "other the items, "
            "trained on clicks with sampled negatives, with an approximate nearest neighbour index for "
            "candidates and a ranker on top, served at ten thousand requests per second.",
            "Sorry, back to invoices. Anything below a confidence threshold goes to the review team, and "
            "their corrections flow back as training labels. I'd also check that line items add up to the "
            "total before paying.",
            "I'd process them asynchronously from a queue, since a day is enough, and monitor accuracy per "
            "vendor and per scan quality, retraining monthly on the corrected invoices.",
        ),
    ),
    Script(
        "bh-conflict-with-peer",
        (
            "Does it have to be about a model, or can it be a disagreement about a data pipeline?",
            "A month before a launch review, a teammate wanted to rewrite our feature pipeline on a new "
            "streaming system; I thought it was too risky for the date, and two teams "
            "depended on the launch. "
            "Before arguing I asked him for an hour one to one to walk me through his reasoning and numbers.",
            "Our churn model looked great offline but the A/B test showed no lift in retention. I dug in and "
            "found the offline label window did not match when the campaign ran, so we retrained with the "
            "right window and the second test showed a 2% lift.",
            "Back to the disagreement: I proposed a three-day benchmark on the same traffic and we wrote the "
            "comparison together. The streaming version cost twice as much for the same freshness, so we "
            "shipped on time and kept his design for the next quarter.",
            "We still work well together, and I now agree the decision criteria with the other person before "
            "we debate solutions.",
        ),
    ),
    Script(
        "cs-hotel-overbooking",
        (
            "What does it cost us when a guest has to be walked to another hotel? And do we have no-show "
            "history per booking?",
            "The trade-off is revenue from a room that would otherwise sit empty against the cost of walking "
            "a guest: relocation, compensation and reputation. Rough size: 150 hotels of 200 rooms at 75% "
            "occupancy and 150 a night is about 1.2 billion a year, so even a third of the 12% cancellations "
            "left unsold is about 50 million.",
            "I would forecast demand per store and product for fresh food, with seasonality and promotions, "
            "and connect the forecast to the daily ordering rule so waste and stockouts are traded off.",
            "Sorry, for the hotels: a cancellation model per booking on lead time, rate type, channel, "
            "deposit and length of stay, summed into a no-show distribution per night.",
            "Then set the overbooking level per hotel-night to maximise expected revenue "
            "minus walk cost, and "
            "pilot it in twenty hotels against matched controls, tracking revenue per available room.",
        ),
    ),
    Script(
        "md-class-imbalance",
        (
            "Should I assume a tabular model, and how many users are we talking about?",
            "First, I'd judge the model with PR-AUC or recall at a fixed precision rather than accuracy, "
            "because predicting nobody churns already scores 95%. The simplest fix is class weights on the "
            "loss, which keeps all the data.",
            "Calibration means the predicted probabilities match observed frequencies. I'd "
            "draw a reliability "
            "diagram, compute the expected calibration error and fix it with Platt scaling or isotonic "
            "regression on a held-out set.",
            "Back to imbalance: undersampling the majority is cheap but throws information away, and SMOTE "
            "makes synthetic minority points that can overfit, so only on the training fold.",
            "Often the best option is to keep the natural distribution and move the decision threshold to "
            "match what a missed churner costs compared with a wasted offer.",
        ),
    ),
)


def run_script(components: Components, script: Script) -> SessionState:
    """One session on the script's question, every turn answered by the engine and the offline brain."""
    interviewer = components.interviewer()
    question = components.bank().question(script.question_id)
    state = interviewer.start(question.round, question_id=question.id, seed=SEED, brain="offline")
    state.max_follow_ups = len(script.turns)
    for text in script.turns:
        if state.status != "active":
            break
        state = interviewer.advance(interviewer.record_candidate(state, text)).state
    if state.status == "active":
        interviewer.end(state)
    return state


def transcript_markdown(state: SessionState) -> str:
    """The session as markdown: each line with its speaker and, for the interviewer, the move kind."""
    lines = [f"### {state.round}: `{state.questions[0].question_id}`", ""]
    for turn in state.turns:
        text = turn.text.split("\n\n")[0] if turn.kind == "wrap_up" else turn.text
        who = "**Candidate**" if turn.speaker == "candidate" else f"**Interviewer** _({turn.kind})_"
        lines.append(f"{who}: " + " ".join(text.split()))
        lines.append("")
    if state.report is not None:
        lines.append(
            f"_Report: {state.report.overall.score:.2f} / 4, {state.report.overall.recommendation}._"
        )
        lines.append("")
    return "\n".join(lines)


def write_transcripts(out: Path = OUT) -> Path:
    one_question = {f"questions_{r.value.replace('-', '_')}": 1 for r in Round}
    components = Components(load_settings(**one_question))
    parts = [
        "# The interviewer listens: one offline transcript per round",
        "",
        "Generated by `python -m evals.listening_transcripts` (offline brain, seed "
        f"{SEED}). In each the candidate asks a clarifying question (answered from the question's facts "
        "in the same turn), covers a key point early (never probed again), and once answers a different "
        "problem (pointed back to the question once). Move kinds are shown in italics.",
        "",
    ]
    parts += [transcript_markdown(run_script(components, s)) for s in SCRIPTS]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    print(write_transcripts(parser.parse_args().out))


if __name__ == "__main__":
    main()
