"""An LLM plays the candidate (`eval simulate --candidate-base-url URL`), one persona per run.

It goes through the engine's ChatModel seam (any OpenAI-compatible endpoint). When a call fails, the
turn falls back to the persona's scripted answer and the failure is counted, so a flaky endpoint
shows up in the report instead of aborting the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from evals.personas import Persona, PersonaContext
from interviewer.errors import ProviderError
from interviewer.ports import ChatMessage, ChatModel
from interviewer.settings import Settings

SYSTEM = (
    "You are a job candidate in a mock machine-learning engineering interview ({round} round). "
    "Play this persona: {description} Answer the interviewer's last line in 2-6 sentences, in the first "
    "person, as that candidate would. Do not mention that you are an AI."
)


@dataclass
class LLMCandidate:
    persona: Persona
    chat: ChatModel
    max_tokens: int = 220
    failures: int = 0
    history: list[ChatMessage] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.persona.name

    @property
    def rank(self) -> int:
        return self.persona.rank

    @property
    def kind(self) -> str:
        return self.persona.kind

    @classmethod
    def from_options(cls, persona: Persona, options: Any, settings: Settings) -> LLMCandidate:
        from interviewer.llm.openai_compat import OpenAICompatChatModel

        chat = OpenAICompatChatModel(
            base_url=options.candidate_base_url,
            model=options.candidate_model or settings.llm_model,
            timeout_s=settings.llm_timeout_s,
            max_tokens=220,
            temperature=0.7,
            seed=settings.seed,
        )
        return cls(persona, chat)

    def reset(self) -> None:
        self.persona.reset()
        self.history = []

    def answer(self, ctx: PersonaContext) -> str:
        """The model's answer to the interviewer's last line (the scripted one if the call fails)."""
        system = ChatMessage("system", SYSTEM.format(round=ctx.round, description=self.persona.description))
        self.history.append(ChatMessage("user", ctx.last_line or ctx.prompt))
        try:
            text = self.chat.complete([system, *self.history[-8:]], max_tokens=self.max_tokens).strip()
        except ProviderError:
            self.failures += 1
            text = self.persona.answer(ctx)
        self.history.append(ChatMessage("assistant", text or "(silence)"))
        return text
