"""Round-specific structure signals: STAR parts and ownership (behavioral), numbers, sizing arithmetic and
KPIs (case study), phases covered (system design), failure modes (ML depth), trade-offs tied to a choice."""

from __future__ import annotations

import re
from collections.abc import Sequence

from interviewer.domain.rounds import Round

_I = re.compile(r"\b(I|I'm|I've|I'd|me|my|myself)\b")
_WE = re.compile(r"\b(we|we're|we've|we'd|us|our|ourselves|the team)\b", re.IGNORECASE)
NUMBER_WITH_UNIT = re.compile(
    r"(?:[$€£]\s?\d[\d,.]*\s?(?:[kmb]|million|billion|thousand)?|\b\d[\d,.]*\s?(?:%|percent|ms|seconds?|"
    r"minutes?|hours?|days?|weeks?|months?|years?|x|k|m|b|million|billion|thousand|qps|rps|gb|tb|mb|users?|"
    r"requests?|items?|people|engineers?|points?|pp)(?!\w))",
    re.IGNORECASE,
)
_ANY_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_ARITHMETIC = re.compile(
    r"\d[\d,.]*\s*[kmb%]?\s*(?:[x×*/÷=]|times|multiplied by|divided by|per|out of)\s*[$]?\d"
    r"|(?:roughly|about|approximately|around|so|gives|that's|that is)\s+[$~]?\d",
    re.IGNORECASE,
)
_TRADEOFF = re.compile(
    r"\b(because|instead of|rather than|at the cost of|trade-?offs?|the downside|downsides?|versus|vs\.?|"
    r"in exchange for|the price is|at the expense of|on the other hand|which costs?|but it costs?|"
    r"cheaper|more expensive|slower|faster)\b",
    re.IGNORECASE,
)
_CHOICE = re.compile(
    r"\b(I'd|I would|we'd|we would|I'll|I will|I chose|I picked|we chose|we picked|choose|pick|go with|"
    r"prefer|opt for|use|start with|recommend|decided)\b",
    re.IGNORECASE,
)
_REFLECTION = re.compile(
    r"\b(I learned|learned that|lesson|in hindsight|looking back|next time|I would do differently|"
    r"if I did it again|I now|since then I|taught me|I'd do|differently)\b",
    re.IGNORECASE,
)
_SITUATION = re.compile(
    r"\b(at my (last|previous|current)|when I was|last year|in \d{4}|our team|the team|the company|"
    r"we were|there was|the project|the context|at the time|months? before|deadline|stakes)\b",
    re.IGNORECASE,
)
_TASK = re.compile(
    r"\b(my (job|task|goal|role|responsibility)|I was (responsible|asked|tasked)|I needed to|I had to|"
    r"the goal was|our goal|we needed to|the task)\b",
    re.IGNORECASE,
)
_ACTION = re.compile(
    r"\bI (built|wrote|proposed|decided|led|ran|set up|designed|talked|met|created|started|organized|"
    r"organised|pushed|convinced|analy[sz]ed|measured|changed|rewrote|implemented|owned|drove|scheduled|"
    r"asked|sat down|reached out|suggested|prototyped|added|removed|split|moved|took)\b"
)
_RESULT = re.compile(
    r"\b(as a result|the result|resulted in|in the end|ended up|outcome|shipped|launched|reduced|increased|"
    r"improved|cut|saved|grew|dropped|fell|rose|halved|doubled|went from|lifted|delivered)\b",
    re.IGNORECASE,
)
_FAILURE = re.compile(
    r"\b(fails?|breaks? down|doesn't work|does not work|struggles?|when not to|assum(es|ption)|"
    r"pitfall|watch out|degrades?|blows? up|vanish|explod|overfit|underfit|unstable|in practice)\w*",
    re.IGNORECASE,
)
_ROLLOUT = re.compile(
    r"\b(roll ?out|pilot|phased|canary|ramp|ROI|return on investment|payback|break[- ]even|cost of|"
    r"executive|stakeholders?|launch|budget|risk)\b",
    re.IGNORECASE,
)
KPI_TERMS = (
    "conversion",
    "retention",
    "churn",
    "revenue",
    "click-through",
    "ctr",
    "ltv",
    "lifetime value",
    "arpu",
    "gmv",
    "nps",
    "engagement",
    "a/b test",
    "ab test",
    "experiment",
    "guardrail",
    "north star",
    "holdout",
    "control group",
    "treatment",
    "statistical significance",
    "power",
    "uplift",
    "margin",
    "cost per",
)
PHASES: dict[str, tuple[str, ...]] = {
    "requirements": (
        "requirement",
        "clarify",
        "scale",
        "users",
        "qps",
        "latency budget",
        "constraint",
        "goal",
    ),
    "metrics": ("metric", "precision", "recall", "ndcg", "auc", "ctr", "a/b", "conversion", "guardrail"),
    "data": ("label", "training data", "feature", "logging", "negative sampl", "leakage", "feature store"),
    "model": ("baseline", "model", "two-tower", "gradient boost", "logistic", "loss", "transformer"),
    "serving": ("serving", "latency", "cache", "batch", "online", "candidate generation", "retrieval", "ann"),
    "monitoring": ("monitor", "drift", "retrain", "alert", "dashboard", "shadow", "canary", "feedback loop"),
}


def round_signals(round_: Round, text: str, sentences: Sequence[str]) -> dict[str, object]:
    """Structure signals for `text` in `round_` (JSON-friendly values)."""
    signals: dict[str, object] = {
        "numbers": len(_ANY_NUMBER.findall(text)),
        "numbers_with_units": len(NUMBER_WITH_UNIT.findall(text)),
        "tradeoffs": sum(1 for s in sentences if _TRADEOFF.search(s) and _CHOICE.search(s)),
        "failure_modes": len(_FAILURE.findall(text)),
    }
    if round_ == Round.BEHAVIORAL:
        signals.update(_behavioral(text))
    elif round_ == Round.CASE_STUDY:
        lower = text.lower()
        signals["sizing_arithmetic"] = len(_ARITHMETIC.findall(text))
        signals["kpis"] = sorted({k for k in KPI_TERMS if k in lower})
        signals["rollout"] = len(_ROLLOUT.findall(text))
    elif round_ == Round.ML_SYSTEM_DESIGN:
        lower = text.lower()
        signals["phases"] = [p for p, words in PHASES.items() if any(w in lower for w in words)]
    return signals


def _behavioral(text: str) -> dict[str, object]:
    i_count, we_count = len(_I.findall(text)), len(_WE.findall(text))
    star = {
        "situation": bool(_SITUATION.search(text)),
        "task": bool(_TASK.search(text)),
        "action": len(_ACTION.findall(text)) >= 2,
        "result": bool(_RESULT.search(text)) and bool(NUMBER_WITH_UNIT.search(text)),
        "reflection": bool(_REFLECTION.search(text)),
    }
    return {
        "star": star,
        "i_count": i_count,
        "we_count": we_count,
        "ownership": round(i_count / (i_count + we_count), 3) if i_count + we_count else 0.0,
        "actions": len(_ACTION.findall(text)),
        "reflections": len(_REFLECTION.findall(text)),
    }


def _ratio(value: object, full: float) -> float:
    number = (
        float(value)
        if isinstance(value, int | float)
        else float(len(value) if isinstance(value, list) else 0)
    )
    return max(0.0, min(1.0, number / full))


def signal_strength(criterion_id: str, signals: dict[str, object]) -> float | None:
    """How strongly the round's structure signals support a criterion (0..1), None when none applies."""
    cid = criterion_id.lower()
    star = signals.get("star")
    phases = signals.get("phases")
    if isinstance(star, dict):
        if "situation" in cid:
            return (int(star["situation"]) + int(star["task"])) / 2
        if "ownership" in cid or "action" in cid:
            # "I" over "we" counts only beside things the candidate did: "I think I would..." owns nothing
            actions = signals["actions"]
            return 0.5 * float(signals["ownership"]) * _ratio(actions, 2) + 0.5 * _ratio(actions, 4)  # type: ignore[arg-type]
        if "result" in cid:
            return 0.5 * int(star["result"]) + 0.5 * _ratio(signals["numbers_with_units"], 3)
        if "reflection" in cid:
            return _ratio(signals["reflections"], 2)
        if "structure" in cid or "communication" in cid:
            return sum(int(v) for v in star.values()) / len(star)
    if isinstance(phases, list):
        for phase, keys in (
            ("requirements", ("requirement",)),
            ("data", ("data",)),
            ("model", ("model",)),
            ("serving", ("serving",)),
            ("monitoring", ("monitor",)),
        ):
            if any(k in cid for k in keys):
                return 1.0 if phase in phases else 0.0
        if "trade" in cid:
            return 0.6 * _ratio(signals["tradeoffs"], 3) + 0.4 * _ratio(phases, 6)
    if "sizing" in cid and "sizing_arithmetic" in signals:
        return 0.6 * _ratio(signals["sizing_arithmetic"], 3) + 0.4 * _ratio(signals["numbers_with_units"], 5)
    if "kpi" in cid and "kpis" in signals:
        return _ratio(signals["kpis"], 4)
    if ("rollout" in cid or "roi" in cid) and "rollout" in signals:
        return _ratio(signals["rollout"], 4)
    if "trade" in cid:
        return _ratio(signals["tradeoffs"], 3)
    if "practical" in cid:
        return _ratio(signals["failure_modes"], 3)
    return None
