"""Thresholds next to the datasets (`evals/thresholds.yaml`) and the check that asserts them."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from interviewer.errors import ConfigError

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.yaml")

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}


@dataclass(frozen=True)
class Check:
    suite: str
    path: str
    op: str
    value: float
    why: str = ""
    ci: bool = True  # False: reported but not asserted in quick/CI runs (e.g. latency on a shared runner)

    def describe(self) -> str:
        return f"{self.suite}.{self.path} {self.op} {self.value}"


@dataclass(frozen=True)
class Outcome:
    check: Check
    actual: object
    passed: bool
    report_only: bool = False  # evaluated and reported, never a failure (a `ci: false` check in quick mode)

    @property
    def failed(self) -> bool:
        return not self.passed and not self.report_only


@cache
def load_thresholds(path: Path = THRESHOLDS_FILE) -> dict[str, Any]:
    """The parsed thresholds file (suites -> checks, plus a `settings` map of knobs)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read thresholds: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of suite -> checks")
    return data


def knob(name: str, default: float) -> float:
    """A numeric knob from the thresholds file's `settings` section."""
    return float(load_thresholds().get("settings", {}).get(name, default))


def checks_for(suite: str, thresholds: Mapping[str, Any] | None = None) -> list[Check]:
    """The checks declared for `suite`."""
    data = thresholds if thresholds is not None else load_thresholds()
    entries = data.get(suite, []) or []
    checks = []
    for entry in entries:
        if entry.get("op") not in _OPS:
            raise ConfigError(f"thresholds: {suite}.{entry.get('path')}: unknown op {entry.get('op')!r}")
        why = str(entry.get("why", ""))
        ci = bool(entry.get("ci", True))
        checks.append(Check(suite, str(entry["path"]), entry["op"], float(entry["value"]), why, ci))
    return checks


def lookup(result: Mapping[str, Any], dotted: str) -> object:
    """Follow `a.b.c` into nested dicts; keys may themselves contain dots only at the last step."""
    node: object = result
    parts = dotted.split(".")
    while parts:
        if not isinstance(node, Mapping):
            return None
        for take in range(len(parts), 0, -1):
            key = ".".join(parts[:take])
            if key in node:
                node = node[key]
                parts = parts[take:]
                break
        else:
            return None
    return node


def evaluate(
    suite: str, result: Mapping[str, Any], thresholds: Mapping[str, Any] | None = None, *, quick: bool = False
) -> list[Outcome]:
    """Every check of `suite` against `result`; a missing or NaN figure fails its check.

    In a quick (CI) run, checks marked `ci: false` are still evaluated but only reported.
    """
    outcomes = []
    for check in checks_for(suite, thresholds):
        actual = lookup(result, check.path)
        ok = (
            isinstance(actual, int | float)
            and not isinstance(actual, bool)
            and not math.isnan(float(actual))
            and _OPS[check.op](float(actual), check.value)
        )
        outcomes.append(Outcome(check, actual, bool(ok), report_only=quick and not check.ci))
    return outcomes
