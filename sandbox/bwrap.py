"""The bubblewrap runner: one fresh sandbox per run.

Each run gets new PID, network, IPC and UTS namespaces (no network at all), a read-only view of the Python
installation only (no project files, database, data dir or environment variables), a small tmpfs as its
working directory, rlimits on CPU, address space, processes, file size and open files (set by the harness
before the code loads) and a wall-clock deadline enforced from outside. When the service runs as root the
code runs as a uid of its own (one of 1000, in turn), with no capabilities and no_new_privs: the kernel
never applies RLIMIT_NPROC to uid 0, even inside a user namespace. Otherwise bwrap makes a user
namespace, where the process limit counts per namespace. Runs cannot see or signal one another
(separate PID namespaces, separate tmpfs, different uids). Killing bwrap kills the whole PID namespace
(`--die-with-parent`), and the host-side temp files are removed after every run.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from interviewer.errors import ConfigError
from interviewer.ports import CallOutcome, CodeJob, CodeRun, Verdict

HARNESS = Path(__file__).with_name("harness.py")
SETPRIV = "/usr/bin/setpriv"  # util-linux: drops to the run's uid inside the sandbox when the service is root
RUN_UIDS = (
    62000  # the first of 1000 uids given to runs in turn (no files or processes of their own otherwise)
)
SANDBOX_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/box",
    "LANG": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


@dataclass(frozen=True)
class Limits:
    """What one run may use."""

    cpu_s: int = 5
    wall_s: float = 10.0
    memory_mb: int = 512
    processes: int = 16
    output_kb: int = 64
    disk_kb: int = 4096
    file_kb: int = 8192  # the largest file the run may write, results included


class BwrapRunner:
    """Runs a `CodeJob` under bubblewrap with `python` (which must have numpy and pandas for the problems)."""

    name = "bwrap"

    def __init__(self, limits: Limits, *, python: str | None = None, bwrap: str | None = None) -> None:
        self.limits = limits
        self.python = python or sys.executable
        found = bwrap or shutil.which("bwrap")
        if not found:
            raise ConfigError(
                "the code sandbox needs bubblewrap: `sudo apt-get install -y bubblewrap` "
                "(or run scripts/install-sandbox.sh)"
            )
        self.bwrap = found
        self._uids = itertools.cycle(range(RUN_UIDS, RUN_UIDS + 1000))
        self._uid_lock = threading.Lock()

    def run(self, job: CodeJob) -> CodeRun:
        """Run `job`; every failure of the code becomes a verdict, never an exception."""
        host = Path(tempfile.mkdtemp(prefix="mi-run-"))
        try:
            return self._run_in(host, job)
        finally:
            shutil.rmtree(host, ignore_errors=True)

    def _run_in(self, host: Path, job: CodeJob) -> CodeRun:
        (host / "solution.py").write_text(job.code)
        (host / "job.json").write_text(json.dumps(self._job_document(job)))
        files = {name: host / name for name in ("solution.py", "job.json")} | {"harness.py": HARNESS}
        fds = {name: os.open(path, os.O_RDONLY) for name, path in files.items()}
        results = os.open(host / "results.jsonl", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            with open(host / "stdout", "wb") as out, open(host / "stderr", "wb") as err:
                started = time.perf_counter()
                status, usage, timed_out = self._spawn(fds, results, out, err)
                wall = time.perf_counter() - started
        finally:
            for fd in fds.values():
                os.close(fd)
        os.lseek(results, 0, os.SEEK_SET)
        with os.fdopen(results, "rb") as handle:
            lines = handle.read(self.limits.file_kb * 1024 + 1).decode("utf-8", "replace").splitlines()
        stdout, out_over = self._read_capped(host / "stdout")
        stderr, err_over = self._read_capped(host / "stderr")
        outcomes, load_error, measured = parse_results(lines)
        verdict, message = classify(status, timed_out, outcomes, load_error, out_over or err_over)
        return CodeRun(
            verdict=verdict,
            outcomes=tuple(outcomes),
            stdout=stdout,
            stderr=stderr,
            message=message,
            wall_s=round(wall, 4),
            cpu_s=round(float(measured.get("cpu_s", usage.ru_utime + usage.ru_stime)), 4),
            max_rss_kb=int(measured.get("max_rss_kb", usage.ru_maxrss)),
        )

    def _job_document(self, job: CodeJob) -> dict:
        limits = self.limits
        return {
            "code": job.code,
            "entry": job.entry,
            "tests": [
                {"name": t.name, "args": t.args, "setup": t.setup, "summary": t.summary} for t in job.tests
            ],
            "limits": {
                "cpu_s": limits.cpu_s,
                "processes": limits.processes,
                "file_bytes": limits.file_kb * 1024,
                "memory_bytes": limits.memory_mb * 1024 * 1024,
            },
        }

    def command(self, files: dict[str, int], uid: int | None = None) -> list[str]:
        """The bwrap command line: read-only Python, a tmpfs work dir holding copies of this run's files.

        As root, bwrap runs privileged (no user namespace) and the code runs as `uid` through setpriv:
        the kernel exempts uid 0 from RLIMIT_NPROC in any namespace, so the process limit needs a real
        non-root uid. Otherwise bwrap makes a user namespace and the limit counts within it.
        """
        args = [self.bwrap, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
        args += ["--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
        if uid is None:
            args += ["--unshare-user", "--uid", "1000", "--gid", "1000", "--disable-userns"]
        for name, value in SANDBOX_ENV.items():
            args += ["--setenv", name, value]
        args += [
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
        ]
        args += ["--symlink", "usr/bin", "/bin", "--proc", "/proc", "--dev", "/dev"]
        binds, python = python_binds(self.python)
        made: set[str] = set()
        for source, target in binds:
            for parent in reversed(Path(target).parents[:-1]):  # bwrap would make them 0700
                if str(parent) not in made:
                    made.add(str(parent))
                    args += ["--perms", "0755", "--dir", str(parent)]
            args += ["--ro-bind", source, target]
        size = str(self.limits.disk_kb * 1024)
        args += ["--perms", "0777", "--size", size, "--tmpfs", "/box"]
        for name, fd in sorted(files.items()):
            args += ["--perms", "0644", "--file", str(fd), f"/box/{name}"]
        args += ["--perms", "0777", "--size", size, "--tmpfs", "/tmp", "--chdir", "/box", "--remount-ro", "/"]
        if uid is not None:
            args += [SETPRIV, f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--no-new-privs"]
            args += ["--inh-caps=-all", "--bounding-set=-all", "--"]
        return [*args, python, "-I", "-B", "/box/harness.py"]

    def _run_uid(self) -> int | None:
        """A uid of this run's own when the service is root (concurrent runs never share one), else None."""
        if os.geteuid() != 0:
            return None
        with self._uid_lock:
            return next(self._uids)

    def _spawn(
        self, files: dict[str, int], results: int, out: BinaryIO, err: BinaryIO
    ) -> tuple[int, resource.struct_rusage, bool]:
        proc = subprocess.Popen(
            [*self.command(files, self._run_uid()), str(results)],
            stdin=subprocess.DEVNULL,
            stdout=out,  # type: ignore[arg-type]
            stderr=err,  # type: ignore[arg-type]
            pass_fds=(results, *files.values()),
            close_fds=True,
            start_new_session=True,
            env={},
        )
        deadline = time.monotonic() + self.limits.wall_s
        timed_out = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                proc.returncode = status
                return status, usage, timed_out
            if time.monotonic() > deadline and not timed_out:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.003)

    def _read_capped(self, path: Path) -> tuple[str, bool]:
        cap = self.limits.output_kb * 1024
        size = path.stat().st_size
        with open(path, "rb") as handle:
            text = handle.read(cap).decode("utf-8", "replace")
        return (text + f"\n[... {size - cap} more bytes cut]" if size > cap else text), size > cap


VENV_IN_SANDBOX = "/opt/venv"


def python_binds(python: str) -> tuple[list[tuple[str, str]], str]:
    """Read-only binds for `python` outside /usr, and its path inside the sandbox.

    A virtualenv is mounted at /opt/venv (so the sandbox does not learn where the service lives); the
    installation it was made from is mounted where it is, since the venv's interpreter links to it.
    """
    exe = Path(python)
    venv = exe.parent.parent
    binds: dict[str, str] = {}
    inside = str(exe)
    base = exe.resolve().parent.parent
    cfg = venv / "pyvenv.cfg"
    if cfg.exists():
        binds[str(venv)] = VENV_IN_SANDBOX
        inside = f"{VENV_IN_SANDBOX}/bin/{exe.name}"
        for line in cfg.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "home":
                base = Path(value.strip()).resolve().parent
    binds[str(base)] = str(base)
    return sorted((s, t) for s, t in binds.items() if not s.startswith("/usr")), inside


def parse_results(lines: list[str]) -> tuple[list[CallOutcome], str | None, dict[str, float]]:
    """The harness's JSON lines: outcomes, the load error if the code did not import, resources used.

    The resource line comes from inside the sandbox when the run ends normally (bwrap's own rusage does
    not include the sandboxed process); a run that is killed falls back to bwrap's.
    """
    outcomes: list[CallOutcome] = []
    usage: dict[str, float] = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if "load_error" in record:
            return [], str(record["load_error"]), usage
        if isinstance(record.get("usage"), dict):
            usage = {k: float(v) for k, v in record["usage"].items() if isinstance(v, int | float)}
            continue
        outcomes.append(
            CallOutcome(
                name=str(record.get("name", "")),
                value=record.get("value"),
                error=record.get("error"),
                seconds=float(record.get("seconds", 0.0)),
            )
        )
    return outcomes, None, usage


def classify(
    status: int, timed_out: bool, outcomes: list[CallOutcome], load_error: str | None, output_over: bool
) -> tuple[Verdict, str | None]:
    """One verdict for the run, with the message a candidate should see first."""
    errors = [o.error for o in outcomes if o.error]
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    signal_number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if code is not None and code > 128:  # bwrap reports the sandboxed process's death by signal n as 128 + n
        signal_number, code = code - 128, None
    if timed_out or signal_number == signal.SIGXCPU:
        return "timeout", "the run went over its time limit"
    if any(e.startswith("MemoryError") for e in errors) or (load_error or "").startswith("MemoryError"):
        return "memory", "the run went over its memory limit"
    if output_over or signal_number == signal.SIGXFSZ:
        return "output", "the run wrote more output than allowed"
    if load_error:
        return "error", load_error
    if signal_number is not None or (code not in (0, None)):
        name = signal.Signals(signal_number).name if signal_number else f"exit status {code}"
        return "crash", f"the run ended abnormally ({name})"
    if errors:
        return "error", errors[0]
    return "ok", None
