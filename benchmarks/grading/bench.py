"""Benchmark `learn grade`: submissions per minute with --jobs 1 and --jobs 2, and the
overhead per submission and lesson over running the same tests directly.

    sudo .venv/bin/python benchmarks/grading/bench.py --count 100 --sample 2

Generates COUNT submissions of lessons 1 and 5 (lesson 5 only where its reference
solutions pass): 4 in 10 correct, 4 in 10 partly wrong (one or two of the course's
mutants applied per lesson), 2 in 10 broken (the stubs, a syntax error, a missing
lesson, a crash at import), split in two halves with every kind in each. Each round
grades half A with --jobs 1 then --jobs 2, half B with --jobs 2 then --jobs 1 (ABBA:
a load that drifts during the run hits both alike); then, for a sample of half A
(every --sample-th), runs each submission's tests directly (grader.runner.run_lesson,
as `learn check --path` does) and graded, back to back, for the overhead. Figures go
to stdout and, as JSON, to --json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from grader import course as course_mod  # noqa: E402
from grader import grade as grading  # noqa: E402
from grader import mutation  # noqa: E402
from grader.runner import RunOptions, run_lesson  # noqa: E402
from grader.sandbox import Limits, Sandbox  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + own.ru_utime + own.ru_stime


def lessons_to_use(course) -> list:
    chosen = [course.lesson("lesson1")]
    lesson5 = course.lesson("lesson5")
    if (course.solutions_dir / "lesson5").is_dir() and (course.tests_dir / "lesson5").is_dir():
        result = run_lesson(course, lesson5, course.solutions_dir, RunOptions(timeout=60))
        if result.passed:
            chosen.append(lesson5)
        else:
            print(f"lesson5 left out: its reference scores {result.score}/{result.max_score}")
    return chosen


def generate(course, lessons, folder: Path, count: int) -> dict[str, str]:
    """COUNT submissions in `folder`; returns name -> kind."""
    kinds = {}
    mutants = {lesson.id: mutation.find(course, lesson) for lesson in lessons}
    for i in range(count):
        rng = random.Random(i)
        kind = ("correct",) * 4 + ("partly wrong",) * 4 + ("broken",) * 2
        kind = kind[i % 10]
        name = f"student{i:03d}"
        kinds[name] = kind
        sub = folder / name
        for lesson in lessons:
            shutil.copytree(course.solutions_dir / lesson.id, sub / lesson.id)
            if kind == "partly wrong":
                for m in rng.sample(mutants[lesson.id], k=rng.choice((1, 2))):
                    path = sub / lesson.id / f"{m.module}.py"
                    path.write_text(mutation.apply(path.read_text(), m.path.read_text()))
        if kind == "broken":
            how = (i // 10) % 4
            first = sub / lessons[0].id / f"{lessons[0].exercises[0].module}.py"
            if how == 0:
                for lesson in lessons:
                    shutil.rmtree(sub / lesson.id)
                    shutil.copytree(course.exercises_dir / lesson.id, sub / lesson.id)
            elif how == 1:
                first.write_text(first.read_text() + "\ndef broken(:\n")
            elif how == 2:
                shutil.rmtree(sub / lessons[-1].id)
            else:
                first.write_text(first.read_text() + "\nimport os\n\nos._exit(1)\n")
    return kinds


def grade_all(course, lessons, folder: Path, out: Path, jobs: int, timeout: float) -> dict:
    options = grading.GradeOptions(
        out=out,
        lessons=[lesson.id for lesson in lessons],
        jobs=jobs,
        force=True,
        limits=Limits(timeout=timeout),
    )
    cpu, start = children_cpu(), time.perf_counter()
    report = grading.grade(course, folder, options)
    wall = time.perf_counter() - start
    return {
        "jobs": jobs,
        "wall_s": wall,
        "cpu_s": children_cpu() - cpu,
        "per_minute": 60 * len(report.graded) / wall,
        "per_submission": {g.submission: g.seconds for g in report.graded},
        "scores": {g.submission: g.score for g in report.graded},
        "isolation": report.isolation,
    }


def paired(course, lessons, folder: Path, names: list[str], timeout: float) -> list[dict]:
    """Each sampled submission run both ways, back to back (alternating which goes
    first): its lessons' tests directly, as `learn check --path` runs them (no
    sandbox), and graded by the sandbox (set up once, outside the timing). Pairs cancel
    most of a shared machine's drift in load."""
    subs = {s.name: s for s in grading.find_submissions(folder, course, lessons)}
    rows = []
    with Sandbox(course, lessons, Limits(timeout=timeout), slots=1) as sandbox:
        for k, name in enumerate(names):
            present = [x for x in lessons if (folder / name / x.id).is_dir()]
            row = {"submission": name, "lessons": len(present)}
            order = ["direct", "graded"] if k % 2 == 0 else ["graded", "direct"]
            for label in order:
                cpu, start = children_cpu(), time.perf_counter()
                if label == "direct":
                    for lesson in present:
                        run_lesson(course, lesson, folder / name, RunOptions(timeout=timeout))
                else:
                    grading.grade_submission(sandbox, 0, subs[name], lessons)
                row[label] = time.perf_counter() - start
                row[f"{label}_cpu"] = children_cpu() - cpu
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sample", type=int, default=4, help="direct runs: every Nth")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    course = course_mod.load(ROOT)
    lessons = lessons_to_use(course)
    print(f"lessons: {', '.join(lesson.id for lesson in lessons)}; submissions: {args.count}")
    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    rounds = []
    try:
        folder = work / "class"
        kinds = generate(course, lessons, folder, args.count)
        for i, name in enumerate(sorted(kinds)):  # two halves, each with every kind
            (folder / ("A" if i % 20 < 10 else "B")).mkdir(exist_ok=True)
            (folder / name).rename(folder / ("A" if i % 20 < 10 else "B") / name)
        names = [n for n in sorted(kinds) if (folder / "A" / n).is_dir()][:: args.sample]
        for r in range(args.repeat):
            # ABBA: jobs 1 then 2 on the first half, 2 then 1 on the second, so that a
            # load that drifts while the benchmark runs hits both alike.
            halves = [folder / "A", folder / "B"]
            runs = {1: [], 2: []}
            for half, order in zip(halves, [(1, 2), (2, 1)], strict=True):
                for jobs in order:
                    out = work / f"out{jobs}-{r}-{half.name}"
                    runs[jobs].append(grade_all(course, lessons, half, out, jobs, args.timeout))
            one = {
                "wall_s": sum(x["wall_s"] for x in runs[1]),
                "scores": {k: v for x in runs[1] for k, v in x["scores"].items()},
            }
            two = {
                "wall_s": sum(x["wall_s"] for x in runs[2]),
                "scores": {k: v for x in runs[2] for k, v in x["scores"].items()},
            }
            pairs = paired(course, lessons, folder / "A", names, args.timeout)
            overhead = [(p["graded"] - p["direct"]) / max(1, p["lessons"]) for p in pairs]
            overhead_cpu = [
                (p["graded_cpu"] - p["direct_cpu"]) / max(1, p["lessons"]) for p in pairs
            ]
            found = {
                "round": r + 1,
                "jobs1_per_minute": 60 * args.count / one["wall_s"],
                "jobs2_per_minute": 60 * args.count / two["wall_s"],
                "speedup": one["wall_s"] / two["wall_s"],
                "speedup_per_half": [
                    a["wall_s"] / b["wall_s"] for a, b in zip(runs[1], runs[2], strict=True)
                ],
                "jobs1_wall_s": one["wall_s"],
                "jobs2_wall_s": two["wall_s"],
                "overhead_per_lesson_s_median": statistics.median(overhead),
                "overhead_per_lesson_s_mean": statistics.fmean(overhead),
                "overhead_cpu_per_lesson_s_median": statistics.median(overhead_cpu),
                "direct_per_submission_s_median": statistics.median(p["direct"] for p in pairs),
                "graded_per_submission_s_median": statistics.median(p["graded"] for p in pairs),
                "pairs": len(pairs),
                "same_scores": one["scores"] == two["scores"],
                "mean_score_by_kind": {
                    kind: statistics.fmean(s for n, s in one["scores"].items() if kinds[n] == kind)
                    for kind in sorted(set(kinds.values()))
                },
            }
            rounds.append(found)
            print(json.dumps(found, indent=2))
            print(f"isolation: {runs[1][0]['isolation']}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(rounds, indent=2))


if __name__ == "__main__":
    main()
