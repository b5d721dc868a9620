"""The packaged MiniLM under onnxruntime (fp32): sentence-transformers' vectors without torch at run time.

The graph is exported once, offline, from the packaged weights (`torch.onnx.export`, the only place torch is
imported) and cached as `<cache dir>/<model>-<hash of the weights>.onnx`; later processes load the file.
Tokenization is the model folder's own `tokenizer.json` (the fast tokenizer sentence-transformers runs),
with its strip and truncation at `max_seq_length`; pooling and normalisation are read from the folder's
`modules.json` and pooling config, and only what MiniLM declares (mean pooling, Normalize) is accepted.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from interviewer.errors import ConfigError

if TYPE_CHECKING:
    import onnxruntime
    from tokenizers import Tokenizer

POOLING_MODULE = "sentence_transformers.models.Pooling"
NORMALIZE_MODULE = "sentence_transformers.models.Normalize"
TRANSFORMER_MODULE = "sentence_transformers.models.Transformer"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "config.json")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


@dataclass(frozen=True)
class ModelLayout:
    """What a sentence-transformers folder says about inference: token limit, pooling, normalisation."""

    folder: Path
    max_seq_length: int
    normalize: bool

    @classmethod
    def read(cls, folder: Path) -> ModelLayout:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"] for m in modules]
        if not kinds or kinds[0] != TRANSFORMER_MODULE or POOLING_MODULE not in kinds:
            raise ConfigError(
                f"{folder}: the ONNX embedder runs Transformer + Pooling models only, got {kinds}"
            )
        unknown = set(kinds) - {TRANSFORMER_MODULE, POOLING_MODULE, NORMALIZE_MODULE}
        if unknown:
            raise ConfigError(f"{folder}: modules the ONNX embedder does not run: {sorted(unknown)}")
        pooling_path = next(m["path"] for m in modules if m["type"] == POOLING_MODULE)
        pooling = json.loads((folder / pooling_path / "config.json").read_text(encoding="utf-8"))
        modes = {k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True}
        if modes != {"pooling_mode_mean_tokens"}:
            raise ConfigError(
                f"{folder}: the ONNX embedder does mean pooling only, the model asks for {modes}"
            )
        config = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
        if config.get("do_lower_case"):
            raise ConfigError(f"{folder}: do_lower_case models are not supported by the ONNX embedder")
        return cls(folder, int(config.get("max_seq_length") or 256), NORMALIZE_MODULE in kinds)


def weights_hash(folder: Path) -> str:
    """sha256 over the model's weights and config: the cache key of its exported graph."""
    digest = hashlib.sha256()
    for name in WEIGHT_FILES:
        path = folder / name
        if path.exists():
            digest.update(name.encode())
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    digest.update(chunk)
    return digest.hexdigest()


def remembered_weights_hash(folder: Path, cache_dir: Path) -> str:
    """`weights_hash(folder)`, remembered in the cache beside the graphs while the files' sizes and
    modification times stay the same (hashing 90 MB on every process start costs a few hundred ms)."""
    files = [folder / n for n in WEIGHT_FILES if (folder / n).exists()]
    stamp = [[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in files]
    memo = cache_dir / "weights-hashes.json"
    try:
        known = json.loads(memo.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    entry = known.get(str(folder))
    if isinstance(entry, dict) and entry.get("stamp") == stamp:
        return str(entry["sha256"])
    digest = weights_hash(folder)
    known[str(folder)] = {"stamp": stamp, "sha256": digest}
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = memo.with_name(f"{memo.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(known, indent=1), encoding="utf-8")
    os.replace(partial, memo)
    return digest


def onnx_path(cache_dir: Path, model_name: str, folder: Path) -> Path:
    """Where the graph exported from `folder`'s weights lives (the hash changes with the weights)."""
    return cache_dir / f"{Path(model_name).name}-{remembered_weights_hash(folder, cache_dir)[:16]}.onnx"


def export_onnx(folder: Path, out: Path) -> Path:
    """Export the folder's transformer (returning `last_hidden_state`) to `out`; written atomically."""
    import torch
    from sentence_transformers import SentenceTransformer

    transformer: Any = SentenceTransformer(str(folder), device="cpu")[0].auto_model
    transformer.eval()

    class LastHiddenState(torch.nn.Module):
        """The transformer's token vectors only: pooling and normalisation run in numpy after it."""

        def __init__(self) -> None:
            super().__init__()
            self.inner = transformer

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            out = self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state  # type: ignore[no-any-return]

    sample = load_tokenizer(folder, 256, pad=True).encode_batch(["an example", "a longer example sentence"])
    args = tuple(torch.tensor([getattr(e, _FIELD[n]) for e in sample], dtype=torch.int64) for n in INPUTS)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(f".{os.getpid()}.partial")
    dynamic = {n: {0: "batch", 1: "sequence"} for n in INPUTS}
    # The tracer warns about shapes it treats as constants and an indexing pattern; the exported graph is
    # checked against torch on the whole corpus (tests/integration/test_onnx_embedder.py, bench encode).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHiddenState(),
            args,
            str(partial),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={**dynamic, "last_hidden_state": {0: "batch", 1: "sequence"}},
            opset_version=17,
            dynamo=False,
        )
    os.replace(partial, out)
    return out


def quantize_int8(graph: Path, out: Path) -> Path:
    """A dynamically quantised (int8 weights) copy of `graph`: measured by the bench, not shipped."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.parent.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(graph), str(out), weight_type=QuantType.QInt8)
    return out


_FIELD = {"input_ids": "ids", "attention_mask": "attention_mask", "token_type_ids": "type_ids"}


def load_tokenizer(folder: Path, max_length: int, *, pad: bool) -> Tokenizer:
    """The folder's fast tokenizer, truncating at `max_length`; padding to the batch's longest with `pad`."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    if pad:
        tokenizer.enable_truncation(max_length=max_length)
        config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        pad_token = config.get("pad_token", "[PAD]")
        tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad_token), pad_token=pad_token)
    return tokenizer


class OnnxEmbedder:
    """A sentence-transformers model as an exported ONNX graph under onnxruntime, fp32 on the CPU.

    Loads on first use. `threads` is onnxruntime's intra-op thread count for this session; one
    inference runs at a time (as with torch, two spinning on two shared cores are slower than one).
    """

    def __init__(
        self, model: str, folder: Path, cache_dir: Path, batch_size: int = 64, threads: int = 1
    ) -> None:
        self.name = model
        self.folder = folder
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self.threads = threads
        self.layout = ModelLayout.read(folder)
        self._session: onnxruntime.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None
        self._counter: Tokenizer | None = None
        self._path: Path | None = None
        self._lock = threading.Lock()

    @property
    def identity(self) -> str:
        """Names the exact vectors: the backend and the hash of the weights (cache keys use it)."""
        return f"onnx-fp32:{self.graph_path().stem}"

    def graph_path(self) -> Path:
        if self._path is None:
            self._path = onnx_path(self.cache_dir, self.name, self.folder)
        return self._path

    def ensure_exported(self) -> Path:
        """The cached graph, exported first if this model's weights have none yet (seconds, once)."""
        path = self.graph_path()
        if not path.exists():
            export_onnx(self.folder, path)
        return path

    def _loaded(self) -> tuple[onnxruntime.InferenceSession, Tokenizer]:
        with self._lock:
            if self._session is None or self._tokenizer is None:
                import onnxruntime

                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads
                options.inter_op_num_threads = 1
                options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
                self._session = onnxruntime.InferenceSession(
                    str(self.ensure_exported()), options, providers=["CPUExecutionProvider"]
                )
                self._tokenizer = load_tokenizer(self.folder, self.layout.max_seq_length, pad=True)
            return self._session, self._tokenizer

    @property
    def dim(self) -> int:
        session, _ = self._loaded()
        return int(session.get_outputs()[0].shape[-1])

    @property
    def max_tokens(self) -> int:
        return self.layout.max_seq_length

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Length-sorted batches of `batch_size` (as sentence-transformers makes), mean-pooled, normalised."""
        session, tokenizer = self._loaded()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: np.ndarray | None = None
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            vectors = self._run(session, tokenizer, [texts[i].strip() for i in rows])
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[rows] = vectors
        assert out is not None
        return out

    def _run(
        self, session: onnxruntime.InferenceSession, tokenizer: Tokenizer, texts: list[str]
    ) -> np.ndarray:
        encoded = tokenizer.encode_batch(texts)
        feed = {n: np.array([getattr(e, _FIELD[n]) for e in encoded], dtype=np.int64) for n in INPUTS}
        with self._lock:
            (hidden,) = session.run(["last_hidden_state"], feed)
        mask = feed["attention_mask"][:, :, None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        if self.layout.normalize:
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.astype(np.float32, copy=False)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for `text`, without the [CLS]/[SEP] markers and untruncated."""
        if self._counter is None:
            self._counter = load_tokenizer(self.folder, self.layout.max_seq_length, pad=False)
        return len(self._counter.encode(text, add_special_tokens=False).ids)


def main() -> None:
    """`python -m ingest.onnx_embedder`: export the configured model's graph now (setup, image build)."""
    from ingest import onnx_embedder  # run as __main__, this module's classes are another copy
    from ingest.embedder import build_embedder
    from interviewer.settings import apply_offline_environment, load_settings

    apply_offline_environment()
    embedder = build_embedder(load_settings().model_copy(update={"embedding_backend": "onnx"}))
    if isinstance(embedder, onnx_embedder.OnnxEmbedder):
        print(embedder.ensure_exported())


if __name__ == "__main__":
    main()
