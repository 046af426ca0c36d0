"""Benchmark a class with pathological submissions: its wall time with --jobs 2, and how
evenly --shard deals it out, by name against by expected time. See README.md.

    sudo .venv/bin/python benchmarks/grading/shards.py --count 60 --shards 4

Generates COUNT submissions as bench.py does (correct, partly wrong, broken), two of
which are pathological: one whose every function loops forever (each test runs to its
time limit), one that sleeps in every call. The class is graded once with --jobs 2;
each submission's grading time from that run then prices the shards that --shard
would make, dealt round robin by name (as before) and by expected time
(`--balance-from` that run; and, knowing nothing, by lessons): a shard's time is the
sum of its submissions' times over the 2 jobs it runs with.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import ROOT, generate, grade_all, lessons_to_use  # noqa: E402

from grader import course as course_mod  # noqa: E402
from grader.examiner import grade as grading  # noqa: E402

# Appended to a module: every function of it first loops forever, or sleeps 3 s.
WRAP = """

import functools as _functools
import inspect as _inspect
import time as _time


def _{how}(function):
    @_functools.wraps(function)
    def wrapped(*args, **kwargs):
        {body}
        return function(*args, **kwargs)

    return wrapped


for _name, _value in list(globals().items()):
    if _inspect.isfunction(_value) and not _name.startswith("_"):
        globals()[_name] = _{how}(_value)
"""
BODIES = {"loop": "while True:\n            pass", "sleep": "_time.sleep(3)"}


def make_pathological(folder: Path, lessons, names: list[str]) -> None:
    """In the first named, every function of its first lesson's module loops forever
    (every test runs to its limit); in the second, each sleeps 3 s first."""
    for name, how in zip(names, ("loop", "sleep"), strict=True):
        for exercise in lessons[0].exercises:
            path = folder / name / lessons[0].id / f"{exercise.module}.py"
            if WRAP[:20] not in path.read_text():
                path.write_text(path.read_text() + WRAP.format(how=how, body=BODIES[how]))


def shard_times(shares: list[list], seconds: dict[str, float], jobs: int) -> list[float]:
    """Each shard's time: its submissions' measured seconds over the jobs it runs with."""
    return [sum(seconds[s.name] for s in share) / jobs for share in shares]


def round_robin(subs, n: int) -> list[list]:
    """How --shard dealt a class before: round robin over the names."""
    ordered = sorted(subs, key=lambda s: s.name)
    return [ordered[i::n] for i in range(n)]


def balanced(subs, n: int, expected) -> list[list]:
    return [grading.select_shard(subs, (i, n), expected) for i in range(1, n + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--lessons", nargs="+", default=["lesson1", "lesson5"])
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    course = course_mod.load(ROOT)
    lessons = lessons_to_use(course, args.lessons)
    work = Path(tempfile.mkdtemp(prefix="bench-shards-"))
    try:
        folder = work / "class"
        kinds = generate(course, lessons, folder, args.count)
        # Two correct ones made pathological, where round robin deals them to the same
        # shard (as it does any two, one time in --shards).
        names = sorted(kinds)
        pathological = [
            names[i] for i in range(0, len(names), args.shards) if kinds[names[i]] == "correct"
        ][:2]
        make_pathological(folder, lessons, pathological)
        start = time.perf_counter()
        run = grade_all(course, lessons, folder, work / "out", 2, args.timeout)
        wall = time.perf_counter() - start
        seconds = run["per_submission"]
        subs = grading.find_submissions(folder, course, lessons)
        known = grading.expected_times(work / "out")
        n = args.shards
        dealt = {
            "by name (round robin)": shard_times(round_robin(subs, n), seconds, 2),
            "by lessons (nothing known)": shard_times(balanced(subs, n, None), seconds, 2),
            "by expected time (--balance-from)": shard_times(balanced(subs, n, known), seconds, 2),
        }
        found = {
            "submissions": args.count,
            "lessons": [lesson.id for lesson in lessons],
            "pathological": {name: round(seconds[name], 1) for name in pathological},
            "jobs2_wall_s": round(wall, 1),
            "setup_s": round(run["setup_s"], 1),
            "median_submission_s": round(sorted(seconds.values())[len(seconds) // 2], 2),
            "shards": {
                how: {"slowest_s": round(max(t), 1), "fastest_s": round(min(t), 1)}
                for how, t in dealt.items()
            },
            "isolation": run["isolation"],
        }
        print(json.dumps(found, indent=2))
        if args.json:
            args.json.write_text(json.dumps(found, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
