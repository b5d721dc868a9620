"""The shipped question bank and rubrics: loadable, complete, well-formed, and strict about broken files."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from interviewer.domain.bank import LEVEL_LABELS, Bank, load_bank, load_questions, load_rubric
from interviewer.domain.rounds import LEVEL_ORDER, Round
from interviewer.errors import CorpusError
from interviewer.settings import SHIPPED_CORPUS

EXPECTED_CRITERIA = {
    "ml-system-design": {
        "requirements-metrics",
        "data-features",
        "modeling",
        "serving-scale",
        "monitoring-iteration",
        "tradeoffs-communication",
    },
    "behavioral": {"situation-stakes", "ownership-actions", "measurable-result", "reflection"},
    "case-study": {"framing", "sizing", "approach", "kpis-experiment", "rollout-roi"},
    "ml-depth": {"correctness", "mechanism-depth", "tradeoffs", "practical-judgement"},
}
ID_PREFIX = {"ml-system-design": "sd-", "behavioral": "bh-", "case-study": "cs-", "ml-depth": "md-"}


# --- the shipped bank -------------------------------------------------------------------------


def test_shipped_bank_has_enough_questions_per_round(bank: Bank) -> None:
    assert len(bank.questions) >= 100
    per_round = Counter(q.round for q in bank.questions)
    for round_ in Round:
        assert per_round[round_] >= 20, f"{round_}: only {per_round[round_]} questions"


def test_question_ids_are_unique_across_files() -> None:
    ids = [
        q.id for path in sorted((SHIPPED_CORPUS / "questions").glob("*.yaml")) for q in load_questions(path)
    ]
    duplicates = [qid for qid, n in Counter(ids).items() if n > 1]
    assert not duplicates
    assert len(ids) >= 100


def test_each_question_file_holds_one_round_with_its_id_prefix() -> None:
    for path in sorted((SHIPPED_CORPUS / "questions").glob("*.yaml")):
        questions = load_questions(path)
        assert {q.round.value for q in questions} == {path.stem}, path
        prefix = ID_PREFIX[path.stem]
        assert all(q.id.startswith(prefix) for q in questions), path


def test_every_question_names_an_existing_rubric_of_its_round(bank: Bank) -> None:
    for q in bank.questions:
        rubric = bank.rubrics[q.rubric]
        assert rubric.round == q.round
        assert q.rubric == q.round.value


def test_every_round_covers_every_level_and_difficulty(bank: Bank) -> None:
    for round_ in Round:
        questions = bank.by_round(round_)
        for level in LEVEL_ORDER:
            assert any(q.level.includes(level) for q in questions), f"{round_} has nothing for {level}"
        assert {q.difficulty for q in questions} == {"easy", "medium", "hard"}, round_
        assert len({q.topic for q in questions}) >= 8, f"{round_}: too few distinct topics"


def test_questions_are_shaped_for_grading(bank: Bank) -> None:
    for q in bank.questions:
        assert 4 <= len(q.key_points) <= 7, q.id
        assert 2 <= len(q.follow_ups) <= 4, q.id
        assert 80 <= len(q.model_answer.split()) <= 200, q.id
        assert len(set(q.key_points)) == len(q.key_points), f"{q.id}: repeated key point"
        assert all(len(kp.split()) >= 6 for kp in q.key_points), f"{q.id}: key point too terse to match"
        assert all(c == c.lower() and c.strip() for c in q.companies), q.id


def test_prompts_do_not_leak_key_points(bank: Bank) -> None:
    for q in bank.questions:
        prompt = q.prompt.lower()
        for kp in q.key_points:
            assert kp.lower() not in prompt, f"{q.id}: key point appears in the prompt"


def test_prompts_are_distinct(bank: Bank) -> None:
    prompts = Counter(" ".join(q.prompt.lower().split()) for q in bank.questions)
    assert all(n == 1 for n in prompts.values())


def test_case_studies_ask_for_sizing_with_numbers(bank: Bank) -> None:
    for q in bank.by_round(Round.CASE_STUDY):
        text = " ".join(q.key_points) + " " + q.model_answer
        assert re.search(r"\$\d", text), f"{q.id}: no dollar sizing"
        assert re.search(r"\bROI\b|payback|cost", text), f"{q.id}: no ROI reasoning"


# --- the shipped rubrics ------------------------------------------------------------------------


def test_one_rubric_per_round_with_the_agreed_criteria(bank: Bank) -> None:
    assert set(bank.rubrics) == {r.value for r in Round}
    for rubric_id, rubric in bank.rubrics.items():
        assert rubric.round.value == rubric_id
        assert bank.rubric_for_round(rubric.round) is rubric
        ids = {c.id for c in rubric.criteria}
        assert EXPECTED_CRITERIA[rubric_id] <= ids
        assert 4 <= len(rubric.criteria) <= 6
        assert sum(c.weight for c in rubric.criteria) == pytest.approx(1.0)


def test_rubric_criteria_are_complete(bank: Bank) -> None:
    for rubric in bank.rubrics.values():
        for c in rubric.criteria:
            where = f"{rubric.id}/{c.id}"
            assert [d.level for d in c.levels] == [1, 2, 3, 4], where
            assert [d.label for d in c.levels] == [LEVEL_LABELS[n] for n in (1, 2, 3, 4)], where
            assert all(2 <= len(d.signals) <= 4 for d in c.levels), where
            assert 8 <= len(c.keywords) <= 20, where
            assert len({k.lower() for k in c.keywords}) == len(c.keywords), f"{where}: repeated keyword"
            assert 3 <= len(c.probes) <= 5, where
            assert all(p.rstrip().endswith("?") for p in c.probes), f"{where}: a probe is not a question"
            assert len(c.hints) == 3, where
            assert len(c.hints[-1]) > len(c.hints[0]), f"{where}: hints should get more specific"


def test_keywords_point_to_one_criterion(bank: Bank) -> None:
    """A keyword shared by two criteria would count as lexical evidence for both."""
    for rubric in bank.rubrics.values():
        owners = Counter(k.lower() for c in rubric.criteria for k in c.keywords)
        shared = sorted(k for k, n in owners.items() if n > 1)
        assert not shared, f"{rubric.id}: keywords in several criteria: {shared}"


# --- broken files -------------------------------------------------------------------------------

GOOD_QUESTION = """\
questions:
  - id: sd-tiny
    round: ml-system-design
    topic: recommendation
    difficulty: easy
    level: {min: junior, max: mid}
    prompt: Design a tiny recommender for a small bookshop website.
    follow_ups:
      - How do you evaluate it?
      - What about new books?
    key_points:
      - Frames the task as ranking books by purchase probability
      - Uses co-purchase counts as a simple baseline recommender
      - Serves precomputed lists from a cache to keep latency low
      - Runs an A/B test on conversion before a full launch
    model_answer: Start with co-purchase counts, serve cached lists, then A/B test against best-sellers.
    facts:
      scale: About 2,000 visitors a day and 30,000 books.
    rubric: ml-system-design
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A throwaway corpus with the shipped rubrics and one valid question file."""
    root = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS / "rubrics", root / "rubrics")
    (root / "questions").mkdir()
    (root / "questions" / "ml-system-design.yaml").write_text(GOOD_QUESTION, encoding="utf-8")
    return root


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_the_fixture_corpus_is_valid(corpus: Path) -> None:
    loaded = load_bank(corpus)
    assert [q.id for q in loaded.questions] == ["sd-tiny"]


def test_bad_yaml_names_file_and_line(corpus: Path) -> None:
    path = corpus / "questions" / "ml-system-design.yaml"
    text = GOOD_QUESTION.replace("topic: recommendation", "topic: [recommendation")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match="invalid YAML") as info:
        load_bank(corpus)
    message = str(info.value)
    assert str(path) in message
    line = int(re.search(rf"{re.escape(str(path))}:(\d+)", message).group(1))  # type: ignore[union-attr]
    assert abs(line - _line_of(text, "topic: [recommendation")) <= 1


def test_unknown_field_names_file_and_line(corpus: Path) -> None:
    path = corpus / "questions" / "ml-system-design.yaml"
    text = GOOD_QUESTION.replace(
        "    rubric: ml-system-design", "    hint: be nice\n    rubric: ml-system-design"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_bank(corpus)
    message = str(info.value)
    assert f"{path}:{_line_of(text, 'hint: be nice')}" in message
    assert "hint" in message


def test_missing_key_points_names_file_and_line(corpus: Path) -> None:
    path = corpus / "questions" / "ml-system-design.yaml"
    lines = GOOD_QUESTION.splitlines()
    start = lines.index("    key_points:")
    text = "\n".join(lines[:start] + lines[start + 5 :]) + "\n"
    assert "key_points" not in text
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_bank(corpus)
    message = str(info.value)
    assert f"{path}:{_line_of(text, 'id: sd-tiny')}" in message
    assert "key_points" in message


def test_too_few_key_points_is_an_error(corpus: Path) -> None:
    path = corpus / "questions" / "ml-system-design.yaml"
    text = GOOD_QUESTION.replace("      - Runs an A/B test on conversion before a full launch\n", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match="key_points") as info:
        load_bank(corpus)
    assert f"{path}:{_line_of(text, 'Frames the task')}" in str(info.value)


def test_duplicate_id_across_files_is_an_error(corpus: Path) -> None:
    second = corpus / "questions" / "more.yaml"
    second.write_text(GOOD_QUESTION, encoding="utf-8")
    with pytest.raises(CorpusError, match="duplicate question id 'sd-tiny'") as info:
        load_bank(corpus)
    assert "more.yaml" in str(info.value)


def test_unknown_rubric_and_round_mismatch_are_errors(corpus: Path) -> None:
    path = corpus / "questions" / "ml-system-design.yaml"
    path.write_text(GOOD_QUESTION.replace("rubric: ml-system-design", "rubric: nonsense"), encoding="utf-8")
    with pytest.raises(CorpusError, match="unknown rubric 'nonsense'"):
        load_bank(corpus)
    path.write_text(GOOD_QUESTION.replace("rubric: ml-system-design", "rubric: ml-depth"), encoding="utf-8")
    with pytest.raises(CorpusError, match="sd-tiny"):
        load_bank(corpus)


def test_broken_rubric_names_its_file(corpus: Path) -> None:
    path = corpus / "rubrics" / "ml-depth.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["criteria"][0]["weight"] = 0.9
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(CorpusError, match="weights sum to") as info:
        load_rubric(path)
    assert str(path) in str(info.value)


def test_wrong_level_label_is_an_error(corpus: Path) -> None:
    path = corpus / "rubrics" / "behavioral.yaml"
    text = path.read_text(encoding="utf-8").replace("label: Strong Hire", "label: Hire", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError, match="Strong Hire") as info:
        load_bank(corpus)
    assert str(path) in str(info.value)
