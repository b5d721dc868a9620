"""`build_interviewer(settings)`: wires the bank, evidence layer, grader, retriever and brains."""

from __future__ import annotations

from typing import Any

from interviewer.brains.base import Brain
from interviewer.brains.fake import FakeBrain
from interviewer.brains.llm import LLMBrain
from interviewer.brains.offline import OfflineBrain
from interviewer.engine import Interviewer
from interviewer.errors import ConfigError
from interviewer.llm.base import ChatModel
from interviewer.rounds import Round
from interviewer.settings import Settings


def questions_per_round(settings: Settings) -> dict[Round, int]:
    """Main questions per session for each round, from the settings."""
    return {
        Round.ML_SYSTEM_DESIGN: settings.questions_ml_system_design,
        Round.BEHAVIORAL: settings.questions_behavioral,
        Round.CASE_STUDY: settings.questions_case_study,
        Round.ML_DEPTH: settings.questions_ml_depth,
    }


def build_chat_model(settings: Settings) -> ChatModel:
    """The OpenAI-compatible chat model named by MI_LLM_BASE_URL / MI_LLM_MODEL / MI_LLM_API_KEY."""
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


def build_brains(
    settings: Settings, chat_model: ChatModel | None, retriever: object | None
) -> dict[str, Brain]:
    """The offline and fake brains always; the llm brain when a chat model or endpoint is configured."""
    offline = OfflineBrain()
    brains: dict[str, Brain] = {"offline": offline, "fake": FakeBrain()}
    if chat_model is None and (settings.llm_base_url or settings.brain == "llm"):
        chat_model = build_chat_model(settings)
    if chat_model is not None:
        brains["llm"] = LLMBrain(
            chat_model,
            offline,
            retriever,  # type: ignore[arg-type]
            max_retries=settings.llm_max_retries,
            backoff_s=settings.llm_retry_backoff_s,
            max_tokens=settings.llm_max_tokens,
        )
    return brains


def build_interviewer(settings: Settings, *, chat_model: ChatModel | None = None) -> Interviewer:
    """The interviewer for these settings; `chat_model` replaces the configured LLM endpoint (tests)."""
    from ingest.embedder import embedder_for
    from interviewer.bank import cached_bank
    from interviewer.grader import Grader, shared_analyzer

    if settings.brain == "llm" and chat_model is None and not settings.llm_base_url:
        build_chat_model(settings)  # fails fast, naming the variable, before any model is loaded
    bank = cached_bank(settings.corpus_dir)
    analyzer = shared_analyzer(embedder_for(settings))
    retriever = optional_retriever(settings)
    return Interviewer(
        bank,
        analyzer,
        build_brains(settings, chat_model, retriever),
        Grader(bank, analyzer, retriever),
        default_brain=settings.brain,
        questions_per_round=questions_per_round(settings),
        max_follow_ups=settings.max_follow_ups,
        seed=settings.seed,
        max_answer_chars=settings.max_answer_chars,
    )


def optional_retriever(settings: Settings) -> Any:
    """The guide retriever, or None when retrieval is not built or the corpus is not ingested."""
    try:
        from ingest.retrieval import build_retriever
    except ImportError:
        return None
    try:
        return build_retriever(settings)
    except Exception:  # noqa: BLE001 - an interview without guide context beats no interview
        return None
