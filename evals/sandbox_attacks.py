"""The sandbox attack suite: hostile submissions, each with the rule that says it was contained.

`python -m evals.sandbox_attacks --out docs/eval/sandbox-attacks.md` runs them against the configured
runner and writes the attack -> verdict table; tests/integration/test_sandbox_attacks.py asserts them.
Each attack's code returns what it managed to see or do; `contained` checks that against a canary
(a secret in the service's environment, a secret file on the host, the service's pid) that the attack
is told where to look for.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from interviewer.ports import CodeJob, CodeRun, CodeRunner, CodeTest

CANARY = "canary-7f3a-not-for-candidates"


@dataclass(frozen=True)
class Canary:
    """Where the secrets are, on the host, for the attacks to try."""

    secret_file: str
    data_dir: str
    host_pid: int
    port: int


@dataclass(frozen=True)
class Attack:
    name: str
    tries: str
    code: str  # formatted with the Canary's fields; defines f()
    contained: Callable[[CodeRun], bool]


def value(run: CodeRun) -> object:
    return run.outcomes[0].value if run.outcomes else None


def no_canary(run: CodeRun) -> bool:
    text = json.dumps([value(run), run.stdout, run.stderr, run.message], default=str)
    return CANARY not in text


def _items(run: CodeRun) -> list[object]:
    found = value(run)
    return found if isinstance(found, list) else [found]


def all_failed(run: CodeRun) -> bool:
    return no_canary(run) and all(str(x).startswith("ERR") for x in _items(run))


def verdict_in(*verdicts: str) -> Callable[[CodeRun], bool]:
    return lambda run: run.verdict in verdicts and no_canary(run)


TRY = """
def attempt(action):
    try:
        return repr(action())[:300]
    except BaseException as exc:
        return "ERR " + type(exc).__name__
"""

ATTACKS: tuple[Attack, ...] = (
    Attack(
        "read-api-key-file",
        "read the service's secret file and .env by absolute path",
        TRY + "def f():\n    return [attempt(lambda: open(p).read()) for p in "
        "('{secret_file}', '/work/main/.env', '.env', '/root/.bash_history')]\n",
        all_failed,
    ),
    Attack(
        "read-database",
        "open the sessions database in the data dir",
        TRY
        + "import sqlite3\ndef f():\n    return [attempt(lambda: sqlite3.connect('file:{data_dir}/sessions.sqlite3"
        "?mode=ro', uri=True).execute('select 1').fetchall()), attempt(lambda: __import__('os').listdir('{data_dir}'))]\n",
        all_failed,
    ),
    Attack(
        "print-environment",
        "print every environment variable",
        "import os\ndef f():\n    print(dict(os.environ))\n    return dict(os.environ)\n",
        lambda run: no_canary(run) and "MI_" not in json.dumps(value(run)),
    ),
    Attack(
        "read-other-runs",
        "look for other candidates' solution files and the host's run dirs",
        "import os\ndef f():\n    found = []\n    for root, dirs, files in os.walk('/', onerror=None):\n"
        "        if root.startswith(('/proc', '/usr', '/sys')) or 'python3' in root:\n            dirs[:] = []\n            continue\n"
        "        found += [os.path.join(root, n) for n in files + dirs if 'solution' in n or n.startswith('mi-run-')]\n"
        "    return found\n",
        lambda run: run.verdict == "ok" and value(run) == ["/box/solution.py"],
    ),
    Attack(
        "open-socket",
        "connect to a server listening on the host's loopback",
        TRY
        + "import socket\ndef f():\n    return [attempt(lambda: socket.create_connection(('127.0.0.1', {port}), 2)),"
        " attempt(lambda: socket.create_connection(('10.0.0.1', 80), 2))]\n",
        all_failed,
    ),
    Attack(
        "resolve-host",
        "resolve a public host name",
        TRY + "import socket\ndef f():\n    return [attempt(lambda: socket.getaddrinfo('pypi.org', 443))]\n",
        all_failed,
    ),
    Attack(
        "fork-bomb",
        "fork without end",
        "import os\ndef f():\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n",
        verdict_in("timeout", "crash", "error"),
    ),
    Attack(
        "count-forks",
        "fork 100 sleeping children and count how many the process limit allowed",
        "import os, time\ndef f():\n    made = 0\n    for _ in range(100):\n        try:\n            pid = os.fork()\n"
        "        except OSError:\n            break\n        if pid == 0:\n            time.sleep(2)\n            os._exit(0)\n"
        "        made += 1\n    return made\n",
        lambda run: run.verdict == "ok" and isinstance(value(run), int) and value(run) < 100,  # type: ignore[operator]
    ),
    Attack(
        "thread-bomb",
        "start threads without end",
        "import threading, time\ndef f():\n    n = 0\n    while True:\n"
        "        threading.Thread(target=time.sleep, args=(60,)).start()\n        n += 1\n",
        verdict_in("error", "timeout", "crash"),
    ),
    Attack(
        "allocate-10gb",
        "allocate 10 GB",
        "def f():\n    block = bytearray(10 * 1024 ** 3)\n    return len(block)\n",
        verdict_in("memory"),
    ),
    Attack(
        "infinite-loop",
        "spin forever",
        "def f():\n    while True:\n        pass\n",
        verdict_in("timeout"),
    ),
    Attack(
        "sleep-forever",
        "block without using CPU (only the wall clock stops it)",
        "import time\ndef f():\n    time.sleep(3600)\n",
        verdict_in("timeout"),
    ),
    Attack(
        "fill-disk",
        "write files until the disk is full",
        "import os\ndef f():\n    i = 0\n    while True:\n        with open(f'/box/fill{{i}}', 'wb') as h:\n"
        "            h.write(os.urandom(1 << 20))\n        i += 1\n",
        verdict_in("error", "output"),
    ),
    Attack(
        "write-outside",
        "write into the Python install, /usr, /etc and the service's directory",
        TRY + "def f():\n    return [attempt(lambda: open(p, 'w').write('x')) for p in "
        "('/usr/lib/pwned', '/etc/pwned', '/work/main/pwned', '{data_dir}/pwned')]\n",
        all_failed,
    ),
    Attack(
        "spawn-shell",
        "start a shell and read host files from it",
        "import subprocess\ndef f():\n    r = subprocess.run(['/bin/sh', '-c', 'id; cat {secret_file}; ls /work /root; env'],"
        " capture_output=True, text=True)\n    return r.stdout + r.stderr\n",
        lambda run: no_canary(run) and "MI_" not in str(value(run)),
    ),
    Attack(
        "ctypes-raise-limits",
        "call setrlimit, setuid and mount through ctypes",
        "import ctypes, resource\ndef f():\n    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    lim = (ctypes.c_ulong * 2)(2 ** 40, 2 ** 40)\n"
        "    return [libc.setrlimit(resource.RLIMIT_AS, lim), libc.setuid(0) if False else libc.setresuid(0, 0, 0),"
        " libc.mount(b'none', b'/usr', b'tmpfs', 0, None), resource.getrlimit(resource.RLIMIT_AS)[1] < 2 ** 40]\n",
        lambda run: run.verdict == "ok" and value(run) == [-1, -1, -1, True],
    ),
    Attack(
        "ctypes-segfault",
        "crash the interpreter by writing to a near-null address",
        "import ctypes\ndef f():\n    ctypes.cast(8, ctypes.POINTER(ctypes.c_long)).contents.value = 1\n",
        verdict_in("crash"),
    ),
    Attack(
        "signal-parent",
        "kill the parent, every process it can see, and ptrace the service",
        TRY + "import os, signal, ctypes\ndef f():\n    libc = ctypes.CDLL(None, use_errno=True)\n"
        "    out = [attempt(lambda: os.kill({host_pid}, signal.SIGKILL)), attempt(lambda: os.kill(os.getppid(), 9)),"
        " 'ERR ptrace' if libc.ptrace(16, {host_pid}, 0, 0) == -1 else 'attached']\n"
        "    return out\n",
        lambda run: run.verdict == "ok" and "attached" not in str(value(run)),
    ),
    Attack(
        "read-server-proc",
        "read the service's /proc entries (environ, cmdline, fds)",
        TRY + "import os\ndef f():\n    return [attempt(lambda: open(p).read()) for p in "
        "('/proc/{host_pid}/environ', '/proc/{host_pid}/cmdline', '/proc/1/environ')] + "
        "[attempt(lambda: os.listdir('/proc/{host_pid}/fd'))]\n",
        lambda run: no_canary(run) and all(str(x).startswith(("ERR", "''")) for x in _items(run)),
    ),
    Attack(
        "huge-output",
        "print without end",
        "import sys\ndef f():\n    while True:\n        sys.stdout.write('x' * 65536)\n",
        verdict_in("output"),
    ),
    Attack(
        "import-time-side-effects",
        "at import: write marks for the next run and loop forever",
        "open('/tmp/mark', 'w').write('x')\nopen('/box/mark', 'w').write('x')\nwhile True:\n    pass\ndef f():\n    pass\n",
        verdict_in("timeout"),
    ),
    Attack(
        "look-for-marks",
        "look for what the previous attack left behind",
        TRY + "def f():\n    return [attempt(lambda: open(p).read()) for p in ('/tmp/mark', '/box/mark')]\n",
        all_failed,
    ),
)


@contextmanager
def canary_world() -> Iterator[Canary]:
    """A secret in this process's environment and in a file, and a listening port, for the attacks to try."""
    import socket

    with tempfile.TemporaryDirectory(prefix="mi-canary-") as data_dir:
        secret = Path(data_dir) / "secret.env"
        secret.write_text(f"MI_LLM_API_KEY={CANARY}\n")
        (Path(data_dir) / "sessions.sqlite3").write_text(CANARY)
        server = socket.socket()
        server.bind(("127.0.0.1", 0))
        server.listen()
        old = os.environ.get("MI_LLM_API_KEY")
        os.environ["MI_LLM_API_KEY"] = CANARY
        try:
            yield Canary(str(secret), data_dir, os.getpid(), server.getsockname()[1])
        finally:
            server.close()
            if old is None:
                os.environ.pop("MI_LLM_API_KEY", None)
            else:
                os.environ["MI_LLM_API_KEY"] = old


def run_attack(runner: CodeRunner, attack: Attack, canary: Canary) -> CodeRun:
    code = attack.code.format(**canary.__dict__)
    return runner.run(CodeJob(code=code, entry="f", tests=(CodeTest(name="attack", args="()"),)))


def run_all(runner: CodeRunner) -> list[tuple[Attack, CodeRun, bool]]:
    """Every attack, in order, with its run and whether it was contained."""
    with canary_world() as canary:
        rows = []
        for attack in ATTACKS:
            run = run_attack(runner, attack, canary)
            rows.append((attack, run, attack.contained(run)))
        return rows


def markdown(rows: list[tuple[Attack, CodeRun, bool]], runner_name: str) -> str:
    lines = [
        "# Sandbox attack suite",
        "",
        f"Runner: `{runner_name}`. Written by `python -m evals.sandbox_attacks --out docs/eval/sandbox-attacks.md`;",
        "the same attacks are asserted by `tests/integration/test_sandbox_attacks.py`.",
        "",
        "| attack | what it tries | verdict | message | wall s | contained |",
        "|---|---|---|---|---|---|",
    ]
    for attack, run, ok in rows:
        message = (run.message or str(value(run)))[:80].replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {attack.name} | {attack.tries} | {run.verdict} | {message} | {run.wall_s:.2f} | "
            f"{'yes' if ok else '**NO**'} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=None)
    options = parser.parse_args()
    from interviewer.composition import Components
    from interviewer.settings import load_settings

    runner = Components(load_settings(sandbox_cpu_s=2, sandbox_wall_s=4)).code_runner()
    rows = run_all(runner)
    text = markdown(rows, runner.name)
    if options.out:
        options.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
