"""The composition root: every object a process needs, built once, on first use.

settings -> bank -> embedder -> analyzer -> retriever -> grader -> brains -> interviewer; stores beside.
The API (`api/deps.py`), the CLI and the evals all take their objects from one `Components`; nothing
else constructs adapters or the grader. Tests pass fakes (the hashing embedder, a scripted chat model).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, TypeVar, cast

from interviewer.brains.base import Brain
from interviewer.brains.fake import FakeBrain
from interviewer.brains.llm import WORDING_MAX_TOKENS, LLMBrain
from interviewer.brains.offline import OfflineBrain
from interviewer.brains.validator import TurnValidator
from interviewer.domain.bank import Bank, load_bank
from interviewer.domain.problems import ProblemFile, load_problem_files
from interviewer.domain.rounds import Round
from interviewer.domain.session import CodingProgress
from interviewer.errors import ConfigError, InputError
from interviewer.grading.citations import load_citation_model
from interviewer.grading.evidence import EvidenceAnalyzer
from interviewer.grading.grader import Grader
from interviewer.grading.judge import expectations
from interviewer.grading.reviewer import LLMReviewer
from interviewer.interview.coding_flow import CodingInterview
from interviewer.interview.coding_session import CodingEngine
from interviewer.interview.engine import Interviewer
from interviewer.interview.round_flows import phase_probes
from interviewer.interview.sessions import SessionEngine
from interviewer.interview.topicality import TopicJudge
from interviewer.ports import ChatModel, CodeLinter, CodeRunner, Embedder
from interviewer.settings import Settings

if TYPE_CHECKING:
    from ingest.retrieval import Retriever
    from ingest.store import VectorStore
    from interviewer.practice.service import Practice
    from interviewer.store import SessionStore, UserStore

T = TypeVar("T")


class Components:
    """One process's objects for `settings`; each is built on first use and then shared (thread-safe).

    `embedder`, `chat_model` and `bank` replace the configured ones (tests: the hashing embedder, a
    scripted chat model, a synthetic bank).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        chat_model: ChatModel | None = None,
        bank: Bank | None = None,
        code_runner: CodeRunner | None = None,
    ) -> None:
        self.settings = settings
        self._built: dict[str, object] = {}
        self._lock = threading.RLock()
        if embedder is not None:
            self._built["embedder"] = embedder
        if chat_model is not None:
            self._built["chat_model"] = chat_model
        if bank is not None:
            self._built["bank"] = bank
        if code_runner is not None:
            self._built["code_runner"] = code_runner

    def _once(self, name: str, build: Callable[[], T]) -> T:
        with self._lock:
            if name not in self._built:
                self._built[name] = build()
            return cast(T, self._built[name])

    def bank(self) -> Bank:
        """The question bank and rubrics of the configured corpus."""
        return self._once("bank", lambda: load_bank(self.settings.corpus_dir))

    def embedder(self) -> Embedder:
        """The configured sentence embedder (the packaged MiniLM by default)."""
        from ingest.embedder import build_embedder

        return self._once("embedder", lambda: build_embedder(self.settings))

    def analyzer(self) -> EvidenceAnalyzer:
        """The evidence layer, with its embedding cache: one per process."""
        return self._once(
            "analyzer", lambda: EvidenceAnalyzer(self.embedder(), citations=load_citation_model())
        )

    def vector_store(self, collection: str | None = None) -> VectorStore:
        """The vector store collection (embedded Chroma, or the server at MI_CHROMA_URL)."""
        from ingest.store import open_store

        name = collection or self.settings.collection
        return self._once(f"vector_store:{name}", lambda: open_store(self.settings, name))

    def retriever(self) -> Retriever:
        """Hybrid search over the ingested collection; CorpusError when it has not been ingested."""
        return self._once("retriever", self._build_retriever)

    def _build_retriever(self) -> Retriever:
        from ingest.retrieval import build_retriever
        from ingest.snapshot import open_snapshot

        # The snapshot ingest writes of a small collection, when there is one: the same records and
        # vectors without opening Chroma (~2.4 s of a cold process, most of it `import chromadb`).
        store = open_snapshot(self.settings) or self.vector_store()
        # Through the analyzer's cache: feedback asks for guides on the same queries in every session.
        return build_retriever(self.settings, store, self.analyzer().cache)

    def optional_retriever(self) -> Retriever | None:
        """The retriever, or None when the corpus is not ingested (feedback then has no guide pointers)."""
        try:
            return self.retriever()
        except Exception:  # noqa: BLE001 - an interview without guide context beats no interview
            return None

    def grader(self) -> Grader:
        """The one grader of this process."""
        return self._once("grader", self._build_grader)

    def _build_grader(self) -> Grader:
        from ingest.fixed_vectors import load_or_embed

        reviewer = LLMReviewer(self.chat_model()) if self.settings.llm_review else None
        grader = Grader(self.bank(), self.analyzer(), self.optional_retriever(), reviewer)
        # The bank's rubric texts, key points and prompts: embedded once (at ingest, or by the first
        # process) into a file keyed by the embedder and the texts; every later process loads it.
        texts = _fixed_texts(grader)
        vectors, _ = load_or_embed(self.settings, self.embedder(), texts)
        grader.analyzer.cache.pin(texts, vectors)
        return grader

    def fixed_texts(self) -> list[str]:
        """The texts every process takes from the fixed vectors' file instead of embedding them."""
        return _fixed_texts(self.grader())

    def chat_model(self) -> ChatModel:
        """The OpenAI-compatible chat model named by MI_LLM_BASE_URL / MI_LLM_MODEL / MI_LLM_API_KEY."""
        return self._once("chat_model", lambda: build_chat_model(self.settings))

    def brains(self) -> dict[str, Brain]:
        """The offline brain always; the llm brain when an endpoint is configured; the fake one on request."""
        return self._once("brains", self._build_brains)

    def _build_brains(self) -> dict[str, Brain]:
        offline = OfflineBrain()
        brains: dict[str, Brain] = {"offline": offline}
        if self.settings.brain == "fake":
            brains["fake"] = FakeBrain()
        if "chat_model" in self._built or self.settings.llm_base_url or self.settings.brain == "llm":
            settings = self.settings
            brains["llm"] = LLMBrain(
                self.chat_model(),
                offline,
                self.optional_retriever(),
                validator=TurnValidator(self.embedder()),
                snippets=settings.llm_guide_snippets,
                max_retries=settings.llm_max_retries,
                backoff_s=settings.llm_retry_backoff_s,
                max_tokens=min(settings.llm_max_tokens, WORDING_MAX_TOKENS),
            )
        return brains

    def interviewer(self) -> Interviewer:
        """The interview engine with every configured brain (a session names the brain it uses)."""
        return self._once("interviewer", self._build_interviewer)

    def _build_interviewer(self) -> Interviewer:
        settings = self.settings
        if settings.brain == "llm" or settings.llm_review:
            self.chat_model()  # fails fast, naming the variable, before any model is loaded
        return Interviewer(
            self.bank(),
            self.analyzer(),
            self.brains(),
            self.grader(),
            default_brain=settings.brain,
            questions_per_round=questions_per_round(settings),
            max_follow_ups=settings.max_follow_ups,
            seed=settings.seed,
            max_answer_chars=settings.max_answer_chars,
            topic_judge=TopicJudge(self.analyzer(), self.bank()),
        )

    def code_runner(self) -> CodeRunner:
        """The sandbox candidate code runs in (bubblewrap by default; the scripted fake on request)."""
        return self._once("code_runner", lambda: build_code_runner(self.settings))

    def code_linter(self) -> CodeLinter:
        """Static checks on candidate code (ruff), evidence for the code-quality criterion."""
        from sandbox.ruff_lint import RuffLinter

        return self._once("code_linter", RuffLinter)

    def problem_files(self) -> dict[str, ProblemFile]:
        """The coding rounds' rubrics and problems, by round."""
        return self._once("problem_files", lambda: load_problem_files(self.settings.corpus_dir))

    def coding_interview(self, problem_id: str, progress: CodingProgress | None = None) -> CodingInterview:
        """The coding-round flow on `problem_id`, over a session's `progress` (a fresh one if None)."""
        for document in self.problem_files().values():
            for problem in document.problems:
                if problem.id == problem_id:
                    runner = self.code_runner()
                    # The reference's values for tests without a literal expectation: one sandbox run per
                    # problem per process, not one per request.
                    expected = self._once(f"expected:{problem.id}", partial(expectations, problem, runner))
                    return CodingInterview(
                        problem,
                        document.rubric,
                        runner,
                        self.code_linter(),
                        progress,
                        expected=dict(expected),
                    )
        raise InputError(f"no coding problem with id {problem_id!r}")

    def coding_engine(self) -> CodingEngine:
        """Coding-round sessions (problems, the sandbox and the linter are built on a session's first use)."""
        return self._once(
            "coding_engine",
            lambda: CodingEngine(
                self.problem_files(), self.coding_interview, max_answer_chars=self.settings.max_answer_chars
            ),
        )

    def session_engine(self) -> SessionEngine:
        """The engine the surfaces use for sessions of every round."""
        return self._once("session_engine", lambda: SessionEngine(self.interviewer, self.coding_engine))

    def stores(self) -> tuple[SessionStore, UserStore]:
        """The session and user stores on one migrated database."""
        from interviewer.store import build_stores

        return self._once("stores", lambda: build_stores(self.settings))

    def practice(self) -> Practice:
        """History, progress and the spaced-review study plan over the session store."""
        return self._once("practice", self._build_practice)

    def _build_practice(self) -> Practice:
        from interviewer.practice.plan import StudyPlanner
        from interviewer.practice.scheduler import ReviewScheduler
        from interviewer.practice.service import Practice

        problems = {name: document.problems for name, document in self.problem_files().items()}
        planner = StudyPlanner(self.bank(), ReviewScheduler(), self.settings.plan_recent_days, problems)
        return Practice(self.stores()[0], planner)


def questions_per_round(settings: Settings) -> dict[Round, int]:
    """Main questions per session for each round, from the settings."""
    return {
        Round.ML_SYSTEM_DESIGN: settings.questions_ml_system_design,
        Round.BEHAVIORAL: settings.questions_behavioral,
        Round.CASE_STUDY: settings.questions_case_study,
        Round.ML_DEPTH: settings.questions_ml_depth,
    }


def build_code_runner(settings: Settings) -> CodeRunner:
    """The code sandbox the settings name; ConfigError when bubblewrap is missing."""
    if settings.code_runner == "fake":
        from sandbox.fake import ScriptedRunner

        return ScriptedRunner()
    from sandbox.bwrap import BwrapRunner, Limits

    limits = Limits(
        cpu_s=settings.sandbox_cpu_s,
        wall_s=settings.sandbox_wall_s,
        memory_mb=settings.sandbox_memory_mb,
        processes=settings.sandbox_processes,
        output_kb=settings.sandbox_output_kb,
        disk_kb=settings.sandbox_disk_kb,
    )
    return BwrapRunner(limits, python=settings.sandbox_python)


def build_chat_model(settings: Settings) -> ChatModel:
    """The OpenAI-compatible chat model the settings name; ConfigError without MI_LLM_BASE_URL."""
    if not settings.llm_base_url:
        raise ConfigError(
            "the llm brain needs MI_LLM_BASE_URL (an OpenAI-compatible endpoint such as "
            "http://127.0.0.1:8080/v1); or use MI_BRAIN=offline"
        )
    from interviewer.llm.openai_compat import OpenAICompatChatModel

    return OpenAICompatChatModel(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=settings.llm_api_key,
        timeout_s=settings.llm_timeout_s,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        seed=settings.seed,
    )


def _fixed_texts(grader: Grader) -> list[str]:
    """The grader's texts (rubrics, key points, prompts, follow-ups) and the round flows' probes."""
    return list(dict.fromkeys([*grader.fixed_texts(), *phase_probes()]))
