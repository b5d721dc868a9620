"""One typed settings object, read from `MI_` environment variables (and `.env`)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from interviewer.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED_CORPUS = REPO_ROOT / "corpus"

# Every library that might phone home is told not to, in the process itself, not only in tests.
OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "RAGAS_DO_NOT_TRACK": "true",
    "TOKENIZERS_PARALLELISM": "false",
    # transformers draws a "Loading weights" bar on every model load; it buries the CLI's own output
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}


def apply_offline_environment() -> None:
    """Set the offline/no-telemetry variables unless the user already set them.

    Process entry points call it once (the CLI's `main`, the API's `create_app`), before any library loads.
    """
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


class Settings(BaseSettings):
    """Everything configurable, each field an `MI_<NAME>` variable."""

    model_config = SettingsConfigDict(env_prefix="MI_", env_file=".env", extra="ignore")

    data_dir: Path = Path("./data")
    corpus_dir: Path = SHIPPED_CORPUS
    collection: str = "corpus"

    embedding_model: str = "all-MiniLM-L6-v2"
    # onnx: the packaged model exported once to ONNX (cached under model_cache_dir, keyed by a hash of the
    # weights) and run by onnxruntime, fp32: the same vectors as torch, no torch import at run time.
    embedding_backend: Literal["onnx", "torch"] = "onnx"
    # Shared by every data dir (the graph depends on the weights only): $XDG_CACHE_HOME/mock-interviewer
    # or ~/.cache/mock-interviewer unless set.
    model_cache_dir: Path | None = None
    embedding_batch_size: int = Field(64, ge=1, le=1024)
    # Torch threads per process. One is the fast choice whenever anything else shares the cores
    # (a second API worker, a test run): two threads spin against each other and an 8-sentence batch
    # went from 60 ms to 530 ms on this 2-core machine. Raise it for a lone bulk ingest.
    embedding_threads: int = Field(1, ge=1, le=64)
    # The API pre-embeds the bank's rubric texts and key points in the background at start-up (seconds).
    warm_up: bool = True
    chunk_tokens: int = Field(200, ge=32, le=256)
    chunk_overlap_tokens: int = Field(30, ge=0, le=128)
    chroma_url: str | None = None

    database_url: str | None = None

    brain: Literal["offline", "llm", "fake"] = "offline"
    llm_base_url: str | None = None
    llm_api_key: str = "not-needed"
    llm_model: str = "local-model"
    llm_timeout_s: float = Field(30.0, gt=0)
    llm_max_retries: int = Field(2, ge=0, le=10)
    llm_max_tokens: int = Field(512, ge=16, le=8192)
    llm_temperature: float = Field(0.3, ge=0, le=2)
    # The LLM's bounded second opinion on every grade (grading/reviewer.py); needs MI_LLM_BASE_URL.
    # Off by default; `make run-llm` turns it on. "on"/"off", "true"/"false" and 1/0 all parse.
    llm_review: bool = False
    # Guide snippets added to an LLM follow-up's prompt. 0 for small local models (SmolLM2 copied
    # them into its question); 1-2 help a capable model ground its wording.
    llm_guide_snippets: int = Field(0, ge=0, le=5)

    seed: int = 0
    max_follow_ups: int = Field(3, ge=0, le=10)
    # Main questions per session, by round (follow-ups come on top, capped by max_follow_ups).
    questions_ml_system_design: int = Field(1, ge=1, le=10)
    questions_behavioral: int = Field(2, ge=1, le=10)
    questions_case_study: int = Field(1, ge=1, le=10)
    questions_ml_depth: int = Field(2, ge=1, le=10)
    llm_retry_backoff_s: float = Field(0.5, ge=0, le=30)  # first retry delay; doubles per retry
    max_answer_chars: int = Field(20_000, ge=100)
    # The study plan never offers a question seen in the last this-many days (unless asked to).
    plan_recent_days: int = Field(3, ge=0, le=90)

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    require_api_keys: bool = False
    rate_limit_per_minute: int = Field(120, ge=1)
    # "database" shares one limit across worker processes; "memory" counts per process (one worker, tests).
    rate_limit_backend: Literal["database", "memory"] = "database"

    # The code sandbox (coding rounds): "bwrap" runs candidate code under bubblewrap, "fake" is scripted.
    code_runner: Literal["bwrap", "fake"] = "bwrap"
    sandbox_python: str | None = None  # the Python inside the sandbox; default: the service's own
    sandbox_cpu_s: int = Field(5, ge=1, le=120)
    sandbox_wall_s: float = Field(10.0, gt=0, le=300)
    sandbox_memory_mb: int = Field(768, ge=64, le=16384)
    sandbox_processes: int = Field(16, ge=1, le=1024)
    sandbox_output_kb: int = Field(64, ge=1, le=65536)
    sandbox_disk_kb: int = Field(4096, ge=64, le=1048576)

    @field_validator("chroma_url", "database_url", "llm_base_url", "sandbox_python", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def model_cache_path(self) -> Path:
        if self.model_cache_dir is not None:
            return self.model_cache_dir
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "mock-interviewer"

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "sessions.sqlite3"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning validation errors into a ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            problems.append(f"MI_{field.upper()}: {error['msg']} (got {error.get('input')!r})")
        raise ConfigError("invalid settings: " + "; ".join(problems)) from None
