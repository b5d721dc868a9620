"""Grading a coding submission against its round's rubric, with evidence: test results, code lines and the
candidate's own words. Deterministic; every level comes from a rule written here once.

Hard-coding (passing the visible examples while failing the hidden tests, or returning the examples'
expected values literally) caps the overall score at weak.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from interviewer.domain.problems import CodingRubric, Problem
from interviewer.grading.judge import Judgement
from interviewer.ports import LintFinding

WEAK = 2.0
LABELS = ((3.5, "Strong Hire"), (2.75, "Lean Hire"), (1.75, "Lean No Hire"), (0.0, "No Hire"))
BIG_O = re.compile(r"O\(\s*([^()]*(?:\([^()]*\)[^()]*)*)\)")
EDGE_WORDS = (
    "empty",
    "tie",
    "duplicate",
    "overflow",
    "zero",
    "negative",
    "large",
    "single",
    "nan",
    "missing",
)
REASON_WORDS = ("because", "so that", "trade-off", "tradeoff", "instead of", "which means", "avoid")
RESTATES_NESTING = frozenset({"SIM102", "C901"})  # collapsible nested ifs, too complex: the nesting again
SHORT_NAMES_OK = {"i", "j", "k", "n", "m", "x", "y", "z", "a", "b", "_", "d", "e", "s", "t", "v", "w"}


@dataclass(frozen=True)
class Submission:
    """What the candidate handed in: final code, its judgement on every test, their words, their runs."""

    problem: Problem
    code: str
    judgement: Judgement
    words: tuple[str, ...]
    runs: int = 0
    questions: tuple[str, ...] = ()
    lint: tuple[LintFinding, ...] = ()  # static-check findings on `code` (ruff in production)


@dataclass(frozen=True)
class CriterionScore:
    id: str
    name: str
    level: int
    evidence: tuple[str, ...]
    rubric: str


@dataclass(frozen=True)
class CodingReport:
    criteria: tuple[CriterionScore, ...]
    overall: float
    label: str
    capped: str | None = None


def grade_submission(submission: Submission, rubric: CodingRubric) -> CodingReport:
    """Score each criterion with its evidence, weight them, cap hard-coded submissions at weak."""
    rules = {
        "correctness": _correctness,
        "code-quality": _quality,
        "complexity": _complexity,
        "testing": _testing,
        "communication": _communication,
    }
    scores = []
    for criterion in rubric.criteria:
        level, evidence = rules[criterion.id](submission)
        scores.append(
            CriterionScore(criterion.id, criterion.name, level, tuple(evidence), criterion.levels[level - 1])
        )
    weights: dict[str, float] = {c.id: c.weight for c in rubric.criteria}
    overall: float = round(sum(weights[s.id] * s.level for s in scores), 3)
    capped = hard_coding(submission)
    if capped and overall > WEAK:
        overall = WEAK
    return CodingReport(tuple(scores), overall, label_for(overall), capped)


def label_for(overall: float) -> str:
    return next(label for bound, label in LABELS if overall >= bound)


def hard_coding(submission: Submission) -> str | None:
    """Why the submission looks fitted to the visible examples, or None."""
    results = submission.judgement.results
    visible = [r for r in results if r.kind == "example"]
    hidden = [r for r in results if r.kind != "example"]
    for test in submission.problem.visible_tests:
        if test.expected not in (None, [], {}, 0, "") and _literal_in(test.expected, submission.code):
            return f"the code contains the expected value of example {test.name} literally"
    if (
        visible
        and all(r.passed for r in visible)
        and hidden
        and sum(r.passed for r in hidden) < len(hidden) / 2
    ):
        return "passes every example but fails most hidden tests"
    return None


def _literal_in(value: object, code: str) -> bool:
    compact = re.sub(r"\s+", "", code).replace('"', "'")
    text = re.sub(r"\s+", "", repr(value)).replace('"', "'")
    return len(text) >= 4 and text in compact


def _correctness(sub: Submission) -> tuple[int, list[str]]:
    judgement = sub.judgement
    total = len(judgement.results)
    passed = judgement.passed
    evidence = [f"{passed} of {total} tests pass (run verdict: {judgement.run.verdict})"]
    if judgement.first_failure:
        evidence.append(f"first failure: {judgement.first_failure}")
    share = passed / total if total else 0.0
    level = 4 if share == 1 else 3 if share >= 0.8 else 2 if share >= 0.5 else 1
    return level, evidence


def _quality(sub: Submission) -> tuple[int, list[str]]:
    """Level 1 is code that does not parse (the rubric's descriptor); parsed code loses a level per distinct
    problem: each kind of structural finding, and the static checker's rules that say something else (one
    or two rules cost one level, three or more two). A problem is counted once however many lines show it,
    and a rule that restates a structural finding (collapsible ifs and deep nesting) is not counted again."""
    try:
        tree = ast.parse(sub.code)
    except SyntaxError as exc:
        return 1, [f"line {exc.lineno}: does not parse ({exc.msg})"]
    structure = _structure_findings(tree)
    style = [f for f in sub.lint if f.code != "syntax"]
    evidence = [text for _, text in structure] + [f"line {f.line}: {f.code} {f.message}" for f in style[:5]]
    if len(style) > 5:
        evidence.append(f"{len(style) - 5} more static-check findings")
    kinds = {kind for kind, _ in structure}
    rules = {f.code for f in style if _restates(f.code) not in kinds}
    penalty = len(kinds) + (2 if len(rules) >= 3 else 1 if rules else 0)
    level = max(2, 4 - penalty)
    if sub.judgement.run.verdict == "error" and not sub.judgement.run.outcomes:
        level = min(level, 2)
    return level, evidence or ["no static-check findings"]


def _restates(rule: str) -> str | None:
    """The structural finding a static-check rule restates, if any."""
    if rule in RESTATES_NESTING:
        return "nesting"
    if rule.startswith("N8"):  # pep8-naming: the names, which the structural check reads too
        return "names"
    return None


def _structure_findings(tree: ast.AST) -> list[tuple[str, str]]:
    """(kind, evidence) of each structural problem: long functions, bare excepts, globals, nesting, names."""
    findings = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > 40:
                findings.append(
                    ("length", f"line {node.lineno}: function {node.name} is {length} lines long")
                )
        if isinstance(node, ast.ExceptHandler) and node.type is None:
            findings.append(("bare-except", f"line {node.lineno}: bare except"))
        if isinstance(node, ast.Global):
            findings.append(("global", f"line {node.lineno}: global statement"))
    depth, line = _deepest(tree)
    if depth > 4:
        findings.append(("nesting", f"line {line}: nesting depth {depth}"))
    names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
    cryptic = sorted({n for n in names if len(n) <= 2 and n not in SHORT_NAMES_OK})
    if names and len(cryptic) >= 3:
        findings.append(("names", f"cryptic names: {', '.join(cryptic[:6])}"))
    return findings


def _deepest(tree: ast.AST) -> tuple[int, int]:
    blocks = (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.ListComp, ast.DictComp)  # control nesting
    best = (0, 0)

    def visit(node: ast.AST, depth: int) -> None:
        nonlocal best
        for child in ast.iter_child_nodes(node):
            inner = depth + isinstance(child, blocks)
            if inner > best[0]:
                best = (inner, getattr(child, "lineno", 0))
            visit(child, inner)

    visit(tree, 0)
    return best


def _normal_big_o(text: str) -> str:
    return re.sub(r"[\s*·]", "", text.lower()).replace("^", "")


def stated_complexities(words: Sequence[str]) -> list[tuple[str, str]]:
    """Each big-O the candidate stated, with the sentence it is in."""
    return [(m.group(0), sentence) for sentence in _sentences(words) for m in BIG_O.finditer(sentence)]


def named_edge_cases(words: Sequence[str], problem: Problem) -> set[str]:
    """The edge cases the candidate named: general ones, and the topics of the problem's facts."""
    text = " ".join(words).lower()
    topics = {w for w in EDGE_WORDS if w in text}
    for fact in problem.facts:
        topics |= {a for a in fact.about if len(a) > 3 and a.lower() in text}
    return topics


def _complexity(sub: Submission) -> tuple[int, list[str]]:
    stated = stated_complexities(sub.words)
    perf = [r for r in sub.judgement.results if r.kind == "performance"]
    perf_ok = all(r.passed for r in perf)
    perf_note = (
        f"performance test {'passes' if perf_ok else 'fails'}"
        if perf
        else "no performance test for this problem"
    )
    if not stated:
        talked = any(
            w in " ".join(sub.words).lower() for w in ("complexity", "linear", "quadratic", "scales")
        )
        return (2 if talked else 1), [
            perf_note,
            "no big-O statement" + (" (cost discussed loosely)" if talked else ""),
        ]
    target = _normal_big_o(sub.problem.complexity)
    matches = any(_normal_big_o(o[2:-1]) == target.removeprefix("o(").removesuffix(")") for o, _ in stated)
    quote = f'said: "{stated[0][1].strip()}"'
    if matches and perf_ok:
        return 4, [quote, perf_note]
    if perf_ok:
        return 3, [quote, perf_note, f"differs from the target {sub.problem.complexity}"]
    return 2, [quote, perf_note]


def _sentences(words: Sequence[str]) -> list[str]:
    return [s for text in words for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _testing(sub: Submission) -> tuple[int, list[str]]:
    topics = named_edge_cases(sub.words, sub.problem)
    edge = [r for r in sub.judgement.results if r.kind == "edge"]
    edge_ok = bool(edge) and all(r.passed for r in edge)
    score = (sub.runs > 0) + min(2, len(topics)) + edge_ok
    evidence = [f"ran the examples {sub.runs} time(s) before submitting"]
    evidence.append(f"named edge cases: {', '.join(sorted(topics))}" if topics else "named no edge case")
    evidence.append(f"{sum(r.passed for r in edge)} of {len(edge)} edge-case tests pass")
    return max(1, min(4, score)), evidence


def _communication(sub: Submission) -> tuple[int, list[str]]:
    text = " ".join(sub.words)
    count = len(text.split())
    reasons = [w for w in REASON_WORDS if w in text.lower()]
    level = 1 + (count >= 40) + bool(sub.questions) + bool(reasons)
    if count < 15:
        level = 1
    evidence = [f"{count} words of explanation", f"{len(sub.questions)} clarifying question(s)"]
    if reasons:
        evidence.append(f"gives reasons ({', '.join(reasons)})")
    return min(4, level), evidence
