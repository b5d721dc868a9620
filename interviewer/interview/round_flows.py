"""The four rounds' flows: each round's phases, in the order a real interviewer walks through them."""

from __future__ import annotations

from interviewer.domain.rounds import Round
from interviewer.interview.phases import Phase, RoundFlow, cues, measured_result, owns_actions

SYSTEM_DESIGN = RoundFlow(
    Round.ML_SYSTEM_DESIGN,
    (
        Phase(
            "requirements",
            "requirements and scale",
            cues(
                r"requirement|clarif|scale|qps|requests per|users|"
                r"daily active|dau|latency budget|constraint|assum|scope"
            ),
            (
                "Before we go further: what requirements and scale are you designing for?",
                "What assumptions are you making about traffic, users and latency?",
                "How big is this problem, in requests per second or users per day?",
            ),
            "Start by pinning down who uses it, how much traffic there is, and the latency budget.",
        ),
        Phase(
            "metrics",
            "success metrics",
            cues(
                r"metric|precision|recall|auc|ndcg|ctr|accura|success measure|error rate|"
                r"click-through|conversion|a/b|guardrail|mrr|f1|measure success"
            ),
            (
                "How would you know this system is working? Which metrics, offline and online?",
                "What would you measure offline, and what would you watch once it is live?",
                "Which metric would you optimise, and which would you guard?",
            ),
            "Think about how you would measure success, both before launch and after.",
        ),
        Phase(
            "data",
            "data and features",
            cues(r"label|training data|features?|logs|dataset|annotat|sampl|embedding|signals?"),
            (
                "Where does the training data come from, and what features would you build?",
                "How would you get labels for this, and which signals would you feed the model?",
                "Talk me through the data: labels, features, and any pitfalls with them.",
            ),
            "Consider what the model learns from: where labels come from and which features matter.",
        ),
        Phase(
            "model",
            "model choice",
            cues(
                r"model|baseline|logistic|gradient|boost|neural|"
                r"two-tower|transformer|architecture|loss|classifier|ranker"
            ),
            (
                "Which model would you start with, and what would make you move beyond it?",
                "Walk me through your modelling choice, starting from a baseline.",
                "What does the model look like, and what loss would you train it with?",
            ),
            "Think about a simple first model and what would justify something more complex.",
        ),
        Phase(
            "serving",
            "serving",
            cues(
                r"serv|latency|cach|real-time|online inference|"
                r"batch|deploy|endpoint|precompute|p99|throughput"
            ),
            (
                "How does a prediction actually reach the user? Walk me through serving.",
                "What happens at request time, and what can be precomputed?",
                "How would you serve this within the latency budget?",
            ),
            "Consider the path of a single request and where the time goes.",
        ),
        Phase(
            "monitoring",
            "monitoring and iteration",
            cues(r"monitor|drift|retrain|alert|dashboard|feedback loop|degrad|observ"),
            (
                "Once it is live, how do you keep it healthy?",
                "What would you monitor after launch, and when would you retrain?",
                "How would you notice that the model is getting worse over time?",
            ),
            "Think about what changes after launch and how you would notice.",
        ),
        Phase(
            "tradeoffs",
            "trade-offs",
            cues(r"trade-?off|instead of|at the cost of|versus|vs\.?\b|downside|on the other hand"),
            (
                "What is the biggest trade-off in your design, and why did you land where you did?",
                "Where did you give something up to get something else?",
                "If you had to cut latency in half, what would you sacrifice?",
            ),
            "Consider which of your choices cost you something, and why it was worth it.",
        ),
    ),
    structural_first=False,
    paced=True,
)

BEHAVIORAL = RoundFlow(
    Round.BEHAVIORAL,
    (
        Phase(
            "situation",
            "the situation",
            cues(
                r"when I|at my|project|last year|at the time|launch|"
                r"(?:a|one|two|three) (?:week|month|quarter)s? before|"
                r"context|deadline|we were|I was working|our team|company"
            ),
            (
                "Can you set the scene first? When was this, and what was going on?",
                "What was the situation at the time, and why did it matter?",
                "Give me a bit of context: which project, and what was at stake?",
            ),
            "Start with a short setup: which project, when, and why it mattered.",
        ),
        Phase(
            "ownership",
            "your own part",
            cues(r"I decided|I did|I led"),
            (
                'You said "we" a lot. What did you personally do?',
                "Which part of this was yours? What did you decide or do yourself?",
                "Help me separate the team's work from yours: what was your contribution?",
            ),
            "Make your own decisions and actions visible, not just the team's.",
            covered_when=owns_actions,
        ),
        Phase(
            "result",
            "a measurable result",
            cues(r"result"),
            (
                "How did it turn out? Can you put a number on the result?",
                "What changed because of this, and how did you measure it?",
                "What was the outcome, in concrete terms?",
            ),
            "Think about how you could show the outcome, ideally with a number.",
            covered_when=measured_result,
        ),
        Phase(
            "reflection",
            "reflection",
            cues(
                r"learn|in hindsight|differently|next time|lesson|looking back|takeaway|would have|since then"
            ),
            (
                "Looking back, what would you do differently?",
                "What did you take away from this experience?",
                "What did this teach you that you have used since?",
            ),
            "Consider what you learned and what you would change next time.",
        ),
    ),
    structural_first=True,
)

CASE_STUDY = RoundFlow(
    Round.CASE_STUDY,
    (
        Phase(
            "framing",
            "framing the problem",
            cues(r"goal|objective|problem is|clarif|business|success looks|defin|scope|assum"),
            (
                "Before the solution: how would you frame the business problem?",
                "What is the goal here, and how would you define success?",
                "Which questions would you ask the business before starting?",
            ),
            "Start by restating the business goal and what a win would look like.",
        ),
        Phase(
            "sizing",
            "sizing",
            cues(r"\d|million|thousand|per day|per month|estimate|back-of|roughly|order of magnitude"),
            (
                "Can you size this roughly? A back-of-the-envelope number is fine.",
                "How big is the opportunity, in rough numbers?",
                "Put some numbers on it: how many users, transactions or dollars are we talking about?",
            ),
            "Try a rough estimate: volume times value, with your assumptions stated.",
        ),
        Phase(
            "approach",
            "the approach",
            cues(r"model|approach|baseline|heuristic|rule|pipeline|classifier|regression|segment|features?"),
            (
                "What approach would you take, and what is the simplest version?",
                "How would you actually build this? Start from a baseline.",
                "Which method would you pick first, and why?",
            ),
            "Consider the simplest approach that could work before anything fancy.",
        ),
        Phase(
            "kpis",
            "KPIs and the experiment",
            cues(r"kpi|metric|a/b|experiment|control group|holdout|significan|guardrail|test group"),
            (
                "How would you prove it works? What would you measure, and how would you test it?",
                "Which KPIs would you track, and how would you design the experiment?",
                "What would the A/B test look like, and which metric decides it?",
            ),
            "Think about which number would convince you, and how to measure it fairly.",
        ),
        Phase(
            "rollout",
            "rollout and ROI",
            cues(r"rollout|roll out|pilot|roi|return on|phased|launch|executive|payback|cost|revenue|risk"),
            (
                "How would you roll this out, and how would you explain the ROI to an executive?",
                "If the VP asks whether this is worth it, what do you say?",
                "What does the rollout plan look like, and what are the risks?",
            ),
            "Consider how you would pitch the payoff and the rollout to a busy executive.",
        ),
    ),
    structural_first=False,
)

ML_DEPTH = RoundFlow(
    Round.ML_DEPTH,
    (
        Phase(
            "mechanism",
            "the mechanism",
            cues(
                r"works by|under the hood|gradient|comput|update|formula|step|optimi|probabilit|minimi|maximi"
            ),
            (
                "How does it actually work, step by step?",
                "Can you walk me through the mechanism underneath?",
                "What is going on mathematically when this runs?",
            ),
            "Start from the mechanism: what is computed, and how it changes during training.",
        ),
        Phase(
            "tradeoffs",
            "trade-offs",
            cues(
                r"trade-?off|instead|at the cost|versus|vs\.?\b|"
                r"cheaper|slower|faster|downside|advantage|compared"
            ),
            (
                "What does it cost you compared with the alternatives?",
                "When would you choose something else instead, and why?",
                "What are you trading off when you use it?",
            ),
            "Consider what it costs you compared with the obvious alternative.",
        ),
        Phase(
            "failure",
            "failure modes",
            cues(
                r"fail|break|unstable|overfit|underfit|diverg|"
                r"bias|edge case|doesn't work|assumption|collapse|vanish|explod"
            ),
            (
                "When does it fail? What would you see when it breaks?",
                "Which assumptions does it rely on, and what happens when they do not hold?",
                "Tell me about a situation where it goes wrong and how you would notice.",
            ),
            "Think about when its assumptions break and what that looks like in practice.",
        ),
        Phase(
            "deeper",
            "one level deeper",
            cues(r"in practice I|for example|derivation|proof|intuition"),
            (
                "Let's go one level deeper: why does that happen?",
                "Push that one step further: what is the root cause?",
                "Go one layer down: how would you diagnose it concretely?",
            ),
            "Pick one of your points and explain why it happens, not just that it happens.",
        ),
    ),
    structural_first=True,
)

FLOWS: dict[Round, RoundFlow] = {f.round: f for f in (SYSTEM_DESIGN, BEHAVIORAL, CASE_STUDY, ML_DEPTH)}


def flow_for(round_: Round) -> RoundFlow:
    """The flow of a round."""
    return FLOWS[round_]


def phase_probes() -> list[str]:
    """Every round's phase probes: lines the planner compares with what was said, like the bank's."""
    return list(dict.fromkeys(p for flow in FLOWS.values() for phase in flow.phases for p in phase.probes))
