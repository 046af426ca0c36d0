"""Count the requests between judge and sandbox that each test of a lesson makes.

Under `learn grade` every call a test makes on the learner's code, and every call the
learner's code makes on what the judge lent it, is a message between two processes
(grader/remote.py). Their number, not their size, is what grading costs over running
the tests directly; it does not depend on the machine's load, so it is the figure to
compare before and after a change to the transport or to a test.

    .venv/bin/python benchmarks/grading/round_trips.py lesson5 --path solutions --top 10

runs the lesson's tests on PATH with LEARN_REMOTE=local (the sandbox is another process,
without the examiner's isolation) and prints, per test, the requests the judge asked
(`ask:<op>`) and those it served (`served`, `told` for the ones nobody waits for).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = """
import collections, json, os, pytest
from grader import remote

counts = collections.Counter()
rows = []
ask, answer, told = remote.Link.ask, remote.Link._answer, remote.Link._told


def counted_ask(self, *request):
    counts[f"ask:{request[0]}"] += 1
    return ask(self, *request)


def counted_answer(self, request):
    counts["served"] += 1
    return answer(self, request)


def counted_told(self, request):
    counts["told"] += 1
    counts["served"] -= 1  # _told answers through _answer: count it once, as told
    return told(self, request)


remote.Link.ask, remote.Link._answer, remote.Link._told = counted_ask, counted_answer, counted_told


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    counts.clear()
    try:
        return (yield)
    finally:
        rows.append((item.nodeid.split("::", 1)[1], dict(counts)))


def pytest_sessionfinish():
    with open(os.environ["ROUND_TRIPS_OUT"], "w") as out:
        json.dump(rows, out)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lesson")
    parser.add_argument("--path", default="solutions", help="a folder laid out like exercises/")
    parser.add_argument("--top", type=int, default=10, help="tests to list, most requests first")
    args = parser.parse_args()
    import json

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "round_trips_plugin.py").write_text(PLUGIN)
        out = Path(tmp) / "rows.json"
        env = {
            **os.environ,
            "PYTHONPATH": tmp,
            "LEARN_REMOTE": "local",
            "ROUND_TRIPS_OUT": str(out),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        target = (ROOT / args.path).resolve()
        command = [
            sys.executable, "-m", "pytest", str(ROOT / "grader" / "tests" / args.lesson),
            "-p", "grader.plugin", "-p", "_hypothesis_pytestplugin", "-p", "round_trips_plugin",
            "-p", "no:cacheprovider", "--learn-path", str(target), "--rootdir",
            str(ROOT / "grader"), "-c", os.devnull, "--import-mode=importlib", "-q",
        ]  # fmt: skip
        subprocess.run(command, env=env, cwd=target, stdout=subprocess.DEVNULL, check=False)
        rows = json.loads(out.read_text())
    total: dict[str, int] = {}
    for _, counts in rows:
        for kind, n in counts.items():
            total[kind] = total.get(kind, 0) + n
    print(f"{args.lesson} on {args.path}: {sum(total.values())} requests in {len(rows)} tests")
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(total.items())))
    for name, counts in sorted(rows, key=lambda r: -sum(r[1].values()))[: args.top]:
        print(f"{sum(counts.values()):7d}  {name}")


if __name__ == "__main__":
    main()
