"""The ONNX embedder's reading of a model folder and its weights-hash memo (files only, no inference)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.embedder import PACKAGED_MINILM, _resolve_model_path
from ingest.onnx_embedder import ModelLayout, remembered_weights_hash, weights_hash
from interviewer.errors import ConfigError


def test_a_changed_weights_file_is_hashed_again(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights one")
    first = remembered_weights_hash(folder, tmp_path / "cache")
    assert first == weights_hash(folder) == remembered_weights_hash(folder, tmp_path / "cache")
    (folder / "model.safetensors").write_bytes(b"weights two, longer")
    assert remembered_weights_hash(folder, tmp_path / "cache") == weights_hash(folder) != first


def test_pooling_other_than_mean_is_refused(tmp_path: Path) -> None:
    folder = Path(_resolve_model_path(PACKAGED_MINILM))
    copy = tmp_path / "model"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*.safetensors", "*.bin", "onnx", "openvino"))
    config_path = copy / "1_Pooling" / "config.json"
    config = json.loads(config_path.read_text())
    config.update(pooling_mode_mean_tokens=False, pooling_mode_cls_token=True)
    config_path.write_text(json.dumps(config))
    with pytest.raises(ConfigError, match="mean pooling only"):
        ModelLayout.read(copy)
    assert ModelLayout.read(folder).normalize and ModelLayout.read(folder).max_seq_length == 256
