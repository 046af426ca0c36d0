"""Benchmark `learn grade`: submissions per minute with --jobs 1 and --jobs 2, and the
overhead per submission and lesson over running the same tests directly. See README.md.

    sudo .venv/bin/python benchmarks/grading/bench.py --count 100 [--lessons lesson1]

Generates COUNT submissions of the --lessons (default lessons 1 and 5; a lesson whose
reference solutions fail is left out): 4 in 10 correct, 4 in 10 partly wrong (one or
two of the course's mutants applied per lesson), 2 in 10 broken (the stubs, a syntax
error, a missing lesson, a crash at import), in four quarters with every kind in each.
Each round grades the quarters with --jobs 1 and --jobs 2 in turn (1 2, 2 1, 1 2, 2 1:
a load that drifts while it runs hits both alike); then, for a sample (every
--sample-th), runs each submission both ways back to back: its tests directly, as
`learn check --path` does (grader.runner.run_lesson), and graded by the sandbox. Figures go to
stdout and, as JSON, to --json.
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
from grader.authoring import mutation  # noqa: E402
from grader.examiner import grade as grading  # noqa: E402
from grader.examiner.host import Limits  # noqa: E402
from grader.examiner.sandbox import Sandbox  # noqa: E402
from grader.runner import RunOptions, run_lesson  # noqa: E402


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime + own.ru_utime + own.ru_stime


def lessons_to_use(course, ids: list[str]) -> list:
    """The lessons asked for, leaving out any whose reference solutions do not pass."""
    chosen = []
    for lesson in map(course.lesson, ids):
        result = run_lesson(course, lesson, course.solutions_dir, RunOptions(timeout=60))
        if result.passed:
            chosen.append(lesson)
        else:
            print(f"{lesson.id} left out: its reference scores {result.score}/{result.max_score}")
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
        "setup_s": report.setup_seconds,
        "cpu_s": children_cpu() - cpu,
        "per_minute": 60 * len(report.graded) / wall,
        "per_submission": {g.submission: g.seconds for g in report.graded},
        "scores": {g.submission: g.score for g in report.graded},
        "isolation": report.isolation,
    }


def paired(course, lessons, folder: Path, names: list[str], timeout: float) -> list[dict]:
    """Each sampled submission run both ways, back to back (alternating which goes first):
    its lessons' tests directly, as `learn check --path` runs them (no sandbox), and
    graded by the sandbox (set up once, outside the timing). Side by side, the two see
    the same load on a shared machine."""
    subs = {s.name: s for s in grading.find_submissions(folder, course, lessons)}
    rows = []
    with Sandbox(course, lessons, Limits(timeout=timeout), slots=1) as sandbox:
        for k, name in enumerate(names):
            present = [x for x in lessons if (folder / name / x.id).is_dir()]
            row = {"submission": name, "lessons": len(present)}
            for label in ("direct", "graded") if k % 2 == 0 else ("graded", "direct"):
                cpu, start = children_cpu(), time.perf_counter()
                if label == "graded":
                    grading.grade_submission(sandbox, 0, subs[name], lessons)
                else:
                    for lesson in present:
                        run_lesson(course, lesson, folder / name, RunOptions(timeout=timeout))
                row[label] = time.perf_counter() - start
                row[f"{label}_cpu"] = children_cpu() - cpu
            rows.append(row)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--lessons", nargs="+", default=["lesson1", "lesson5"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--sample", type=int, default=4, help="direct runs: every Nth")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    course = course_mod.load(ROOT)
    lessons = lessons_to_use(course, args.lessons)
    print(f"lessons: {', '.join(lesson.id for lesson in lessons)}; submissions: {args.count}")
    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    rounds = []
    try:
        folder = work / "class"
        kinds = generate(course, lessons, folder, args.count)
        parts = [folder / f"q{q}" for q in range(4)]  # four quarters, each with every kind
        for part in parts:
            part.mkdir()
        for i, name in enumerate(sorted(kinds)):
            (folder / name).rename(parts[(i // 10) % 4 if args.count >= 40 else i % 4] / name)
        names = sorted(kinds)[:: args.sample]
        for r in range(args.repeat):
            # ABBA over four quarters: jobs 1 then 2, then 2 then 1, ... so that a load
            # that drifts while the benchmark runs hits both alike.
            runs = {1: [], 2: []}
            for q, part in enumerate(parts):
                for jobs in (1, 2) if q % 2 == 0 else (2, 1):
                    out = work / f"out{jobs}-{r}-{part.name}"
                    runs[jobs].append(grade_all(course, lessons, part, out, jobs, args.timeout))
            total = {j: sum(x["wall_s"] for x in runs[j]) for j in (1, 2)}
            setup = {j: sum(x["setup_s"] for x in runs[j]) for j in (1, 2)}
            scores = {j: {k: v for x in runs[j] for k, v in x["scores"].items()} for j in (1, 2)}
            pairs = [
                row
                for part in parts
                for row in paired(
                    course, lessons, part, [n for n in names if (part / n).is_dir()], args.timeout
                )
            ]

            def per_lesson(clock, pairs=pairs):  # clock: "" (wall) or "_cpu"
                return [
                    (p[f"graded{clock}"] - p[f"direct{clock}"]) / max(1, p["lessons"])
                    for p in pairs
                ]

            found = {
                "round": r + 1,
                "jobs1_per_minute": 60 * args.count / total[1],
                "jobs2_per_minute": 60 * args.count / total[2],
                "speedup": total[1] / total[2],
                "speedup_without_setup": (total[1] - setup[1]) / (total[2] - setup[2]),
                "speedup_per_quarter": [
                    a["wall_s"] / b["wall_s"] for a, b in zip(runs[1], runs[2], strict=True)
                ],
                "jobs1_wall_s": total[1],
                "jobs2_wall_s": total[2],
                "setup_s_per_run": statistics.fmean(x["setup_s"] for x in runs[1] + runs[2]),
                "overhead_per_lesson_s_median": statistics.median(per_lesson("")),
                "overhead_per_lesson_s_mean": statistics.fmean(per_lesson("")),
                "overhead_cpu_per_lesson_s_median": statistics.median(per_lesson("_cpu")),
                "per_submission_s_median": {
                    label: statistics.median(p[label] for p in pairs)
                    for label in ("direct", "graded")
                },
                "pairs": len(pairs),
                "same_scores": scores[1] == scores[2],
                "mean_score_by_kind": {
                    kind: statistics.fmean(s for n, s in scores[1].items() if kinds[n] == kind)
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
