"""Ruff as the coding rounds' static checker: candidate code on stdin, findings as JSON, no config read.

Ruff parses and never executes the code, so it runs outside the sandbox, with a timeout.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from interviewer.ports import LintFinding

RULES = "E,F,W,B,SIM,C901,N"
IGNORED = "B905,SIM300"  # zip(strict=) and "Yoda" comparisons are noise in an interview answer


class RuffLinter:
    """`ruff check` over the code; no findings (not an error) when ruff is missing or fails."""

    def __init__(self, ruff: str | None = None, timeout_s: float = 10.0) -> None:
        beside = Path(sys.executable).with_name("ruff")
        self.ruff = ruff or (str(beside) if beside.exists() else shutil.which("ruff"))
        self.timeout_s = timeout_s

    def lint(self, code: str) -> tuple[LintFinding, ...]:
        """Ruff's findings on `code`, by line."""
        if not self.ruff:
            return ()
        command = [self.ruff, "check", "--isolated", "--select", RULES, "--ignore", IGNORED]
        command += ["--output-format", "json"]
        command += ["--stdin-filename", "solution.py", "-"]
        try:
            done = subprocess.run(command, input=code, capture_output=True, text=True, timeout=self.timeout_s)
            rows = json.loads(done.stdout or "[]")
        except (OSError, subprocess.TimeoutExpired, ValueError):
            return ()
        return tuple(
            LintFinding(int(r["location"]["row"]), str(r.get("code") or "syntax"), str(r["message"]))
            for r in rows
            if isinstance(r, dict) and r.get("location")
        )
