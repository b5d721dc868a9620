"""The offline brain: bank questions, rubric probes and phase templates, phrased with seeded variety."""

from __future__ import annotations

from collections.abc import Iterator

from interviewer.brains import phrasing
from interviewer.brains.base import BrainContext, Move


class OfflineBrain:
    """Deterministic for a seed: every choice of words comes from `ctx.rng`."""

    name = "offline"

    def author(self, move: Move) -> str:
        return self.name

    def stream(self, move: Move, ctx: BrainContext) -> Iterator[str]:
        """The whole line, yielded sentence-group by paragraph so a chat UI can render as it goes."""
        text = self.say(move, ctx)
        parts = text.split("\n\n")
        for i, part in enumerate(parts):
            yield part if i == 0 else "\n\n" + part

    def say(self, move: Move, ctx: BrainContext) -> str:
        """The interviewer's line for `move`."""
        rng = ctx.rng
        if move.kind == "opening":
            company = f" for {ctx.state.company.title()}" if ctx.state.company else ""
            return phrasing.pick(rng, phrasing.OPENINGS).format(
                round=phrasing.ROUND_LABELS.get(ctx.state.round, ctx.state.round),
                article=phrasing.ROUND_ARTICLES.get(ctx.state.round, "a"),
                company=company,
                count=phrasing.count_phrase(move.question_total),
                question=move.question,
            )
        if move.kind == "help":
            where = (
                f" We're on question {move.question_number} of {move.question_total}."
                if move.question
                else ""
            )
            return phrasing.HELP + where
        if move.kind == "unknown_command":
            return phrasing.UNKNOWN_COMMAND + phrasing.HELP
        if move.kind == "repeat":
            if move.probe:
                return phrasing.pick(rng, phrasing.REPEAT_FOLLOW_UP).format(probe=move.probe)
            return phrasing.pick(rng, phrasing.REPEAT).format(question=move.question)
        if move.kind == "hint":
            if move.probe is None:
                return phrasing.pick(rng, phrasing.HINT_EXHAUSTED)
            return phrasing.pick(rng, phrasing.HINT).format(hint=move.probe)
        answers = "".join(phrasing.clarification_answer(rng, c.topic, c.fact) for c in move.clarifications)
        if move.kind == "clarify":
            return answers + phrasing.pick(rng, phrasing.CLARIFY_HANDBACK)
        if move.kind == "redirect":
            return answers + phrasing.pick(rng, phrasing.REDIRECT).format(question=move.question)
        ack = self._ack(move, ctx)
        if move.kind == "follow_up":
            nudge = self._nudge(move, ctx)
            lead = ack + answers + nudge
            return move.note + phrasing.pick(rng, phrasing.FOLLOW_UP).format(ack=lead, probe=move.probe)
        if move.kind == "next_question":
            return move.note + phrasing.pick(rng, phrasing.NEXT_QUESTION).format(
                ack=ack + answers, question=move.question
            )
        if move.kind == "wrap_up":
            templates: tuple[str, ...] = phrasing.WRAP_UP_EARLY if move.early else phrasing.WRAP_UP
            templates = phrasing.WRAP_UP_TIME if move.time_up else templates
            line = move.note + phrasing.pick(rng, templates).format(ack=ack)
            return line + ("\n\n" + move.summary if move.summary else "")
        raise ValueError(f"unknown move kind {move.kind!r}")

    def _nudge(self, move: Move, ctx: BrainContext) -> str:
        if move.phase_nudge is None:
            return ""
        return phrasing.pick(ctx.rng, phrasing.PHASE_NUDGE).format(phase=move.phase_nudge)

    def _ack(self, move: Move, ctx: BrainContext) -> str:
        """The committed concept the engine chose, else a neutral transition; no concept at wrap-up."""
        if not move.answer or move.note:
            return ""
        if move.kind == "wrap_up":
            return phrasing.pick(ctx.rng, phrasing.ACK_PLAIN)
        return phrasing.acknowledge_concept(ctx.rng, move.acknowledge)
