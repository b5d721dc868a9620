"""Runs inside the sandbox (a plain script, not imported by the service): load the candidate's module,
call its entry point once per test and write one JSON line per call to the results descriptor named in argv.

Limits are set on this process before the candidate's code is loaded, with hard limits lowered so the
code cannot raise them. Modules the code imports from the allowed heavy set are loaded first so that
their import cost is not charged to the candidate's memory limit.
"""

import importlib.util
import json
import os
import resource
import sys
import time
import traceback

HEAVY = ("numpy", "pandas")


def set_limits(limits):
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(limits["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_NPROC, (limits["processes"], limits["processes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_AS, (limits["memory_bytes"], limits["memory_bytes"]))


def to_json(value, depth=0):
    if depth > 20:
        return repr(value)[:200]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else repr(value)
    if isinstance(value, dict):
        return {str(k): to_json(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v, depth + 1) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_json(v, depth + 1) for v in value), key=repr)
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a pandas DataFrame
        split = value.to_dict(orient="split")
        return {"columns": to_json(split["columns"]), "rows": to_json(split["data"], depth + 1)}
    if hasattr(value, "tolist"):  # numpy arrays and scalars, pandas Series
        return to_json(value.tolist(), depth + 1)
    return repr(value)[:200]


def last_line(exc):
    lines = traceback.format_exception_only(type(exc), exc)
    return lines[-1].strip()[:500]


def main():
    with open("job.json") as handle:
        job = json.load(handle)
    os.unlink("job.json")
    result_fd = int(sys.argv[1])
    os.closerange(3, result_fd)
    os.closerange(result_fd + 1, 1024)
    out = os.fdopen(result_fd, "w")
    for name in HEAVY:
        if name in job["code"]:
            importlib.import_module(name)
    set_limits(job["limits"])
    try:
        spec = importlib.util.spec_from_file_location("solution", os.path.abspath("solution.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["solution"] = module
        spec.loader.exec_module(module)
        entry = getattr(module, job["entry"])
    except BaseException as exc:  # the code does not load: report it as every call's error
        out.write(json.dumps({"load_error": last_line(exc)}) + "\n")
        out.flush()
        return
    for test in job["tests"]:
        namespace: dict = {}
        exec(test["setup"], namespace)
        args = eval(test["args"], namespace)
        args = args if isinstance(args, tuple) else (args,)
        start = time.perf_counter()
        try:
            value = entry(*args)
            seconds = time.perf_counter() - start
            if test.get("summary"):  # a big result is compared through a summary of it
                namespace["result"] = value
                value = eval(test["summary"], namespace)
            record = {"name": test["name"], "value": to_json(value)}
        except BaseException as exc:
            seconds = time.perf_counter() - start
            record = {"name": test["name"], "error": last_line(exc)}
        record["seconds"] = seconds
        try:
            line = json.dumps(record)
        except (TypeError, ValueError) as exc:
            line = json.dumps({"name": test["name"], "error": "unserialisable result: " + str(exc)[:200]})
        out.write(line + "\n")
        out.flush()
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    out.write(
        json.dumps({"usage": {"cpu_s": cpu, "max_rss_kb": max(own.ru_maxrss, children.ru_maxrss)}}) + "\n"
    )
    out.flush()


main()
