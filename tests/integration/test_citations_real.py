"""The shipped citation model with the real embedder: a sentence is quoted only under what it shows."""

from __future__ import annotations

import pytest

from interviewer.composition import Components
from interviewer.domain.bank import Bank
from interviewer.domain.rounds import Round
from interviewer.grading.grader import QuestionAttempt
from interviewer.settings import load_settings

pytestmark = pytest.mark.slow

METRIC = (
    "The metric I care about is field-level accuracy, and I'd aim for 80% of invoices going straight "
    "through with under 0.5% field errors."
)
ANSWER = (
    "Invoices arrive as PDFs and phone photos from a few thousand vendors, about 50k a day. "
    + METRIC
    + " I'd start with OCR plus a layout-aware transformer that tags each token as vendor, date, total"
    " or line item. For training data I'd use the invoices accountants already corrected, split by vendor"
    " so layouts don't leak. It runs as an async batch job, so a few seconds per document is fine and we"
    " can scale workers with the queue. "
    "Low-confidence fields go to a human review queue, and their corrections feed the next retraining."
)


@pytest.fixture(scope="module")
def quoted(tmp_path_factory: pytest.TempPathFactory, bank: Bank, real_embedder) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    settings = load_settings(data_dir=tmp_path_factory.mktemp("citations") / "data")
    grader = Components(settings, embedder=real_embedder, bank=bank).grader()
    question = bank.question("sd-invoice-document-extraction")
    attempt = QuestionAttempt(question, question.prompt, [ANSWER])
    report = grader.grade_answer(Round("ml-system-design"), attempt)
    return {c.id: c.evidence for c in report.criteria}


def test_the_metric_sentence_is_not_quoted_as_modeling_or_serving(quoted: dict[str, list[str]]) -> None:
    assert METRIC not in quoted["modeling"]
    assert METRIC not in quoted["serving-scale"]


def test_no_sentence_is_quoted_under_most_criteria(quoted: dict[str, list[str]]) -> None:
    sentences = {s for spans in quoted.values() for s in spans}
    assert sentences, "the answer shows several criteria; some sentence must be quoted"
    assert all(sum(s in spans for spans in quoted.values()) <= 2 for s in sentences)
