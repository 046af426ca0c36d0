"""How fast is the learner's feedback loop? `learn check` and `learn watch`, measured.

    .venv/bin/python benchmarks/feedback/bench.py [--repeat N] [--lessons lesson1 lesson2]

1. `learn check LESSON` against plain pytest on the same tests, from the course root,
   with the course's plugin autoloaded (its entry point):
       python -m pytest grader/tests/LESSON -q -p no:cacheprovider [--learn-path DIR]
   `learn check` is timed twice: as a learner runs it again and again (the warm worker
   the previous check left behind answers), and with LEARN_WARM=0 (a fresh interpreter,
   as the very first check of a session is). "first" is that check N times: the worker
   is sent away, and the check runs cold and leaves a new one, which is waited for.
   The three commands take turns, N times each, on the stubs (every test "not
   started") and on the reference solutions (every test passes); the table gives the
   medians and the median of the per-round ratios, which is what survives a noisy
   machine.
2. `learn watch LESSON --path COPY` on a temporary copy of the stubs and of the
   solutions (your own exercises/ are never touched): after the first check, the
   exercise file is saved N times (a comment appended), and the time from the write
   to the screen is read off the watch process's output: to the current exercise's
   early verdict ("focus": with every test passing there is none) and to the whole
   lesson's result ("result"). A third copy holds the solutions with one classic
   mistake (a mutant from grader/mutants/) in the lesson's last exercise: a learner
   who has the rest right, and whose current exercise's tests now run first.

Nothing here asserts a time: the figures go in README.md beside this file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LEARN = str(BIN / "learn")


def learner_env(**more: str) -> dict[str, str]:
    """This environment as a learner's shell has it: Python may cache bytecode."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **more}


def timed(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=learner_env(**(env or {})),
    )  # fmt: skip
    return time.perf_counter() - start


WARM = {"LEARN_WARM": "60"}  # the worker each check leaves goes a minute after the last
FRESH = {"LEARN_WARM": "0"}  # no worker: a fresh interpreter for every check


def stop_worker() -> None:
    """Send the course's warm worker away, if one waits, so that a check starts cold."""
    from grader import course
    from grader.loop import daemon

    worker = daemon.connect(course.load(ROOT))
    if worker is not None:
        with worker:
            os.kill(worker.pid, signal.SIGTERM)


def wait_for_worker(timeout: float = 30) -> None:
    """Wait until the worker a check left behind listens (it imports first, torch too)."""
    from grader import course
    from grader.loop import daemon

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        worker = daemon.connect(course.load(ROOT))
        if worker is not None:
            worker.close()
            return
        time.sleep(0.2)


def bench_check(lesson: str, repeat: int) -> list[str]:
    rows = []
    for label, target in (("stubs", None), ("solutions", "solutions")):
        learn = [LEARN, "check", lesson] + (["--path", target] if target else [])
        plain = [sys.executable, "-m", "pytest", f"grader/tests/{lesson}", "-q"]
        plain += ["-p", "no:cacheprovider"] + (["--learn-path", target] if target else [])
        timed(plain, ROOT)  # the file system cache warmed for pytest too
        first, warm, fresh, theirs = [], [], [], []
        for _ in range(repeat):
            stop_worker()
            first.append(timed(learn, ROOT, WARM))  # no worker: it starts one for the next
            wait_for_worker()
            warm.append(timed(learn, ROOT, WARM))
            fresh.append(timed(learn, ROOT, FRESH))
            theirs.append(timed(plain, ROOT))
        stop_worker()
        ratio = statistics.median(w / t for w, t in zip(warm, theirs, strict=True))
        fresh_ratio = statistics.median(f / t for f, t in zip(fresh, theirs, strict=True))
        rows.append(
            f"| `learn check {lesson}` on the {label} | {statistics.median(warm):.2f} s "
            f"(max {max(warm):.2f}) | {statistics.median(fresh):.2f} s "
            f"| {statistics.median(first):.2f} s (max {max(first):.2f}) "
            f"| {statistics.median(theirs):.2f} s | {ratio:.2f}x | {fresh_ratio:.2f}x |"
        )
        print(rows[-1], flush=True)
    return rows


class Screen:
    """The lines `learn watch` prints, each with the time it was read."""

    def __init__(self, stream) -> None:
        self.lines: list[tuple[float, str]] = []
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append((time.perf_counter(), line))

    def wait_for(self, text: str, after: int, timeout: float = 300) -> int:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for index in range(after, len(self.lines)):
                if text in self.lines[index][1]:
                    return index
            time.sleep(0.002)
        raise RuntimeError(f"`learn watch` never printed {text!r}")


def one_bug(lesson_id: str, folder: Path) -> str:
    """Put one classic mistake (a mutant) into the solutions copied to `folder`: the state
    of a learner who has everything right but the lesson's last exercise."""
    from grader import course as course_mod
    from grader.authoring import mutation

    course = course_mod.load(ROOT)
    lesson = course.lesson(lesson_id)
    mutants = mutation.find(course, lesson)
    last = [e.name for e in lesson.exercises]
    chosen = next(
        (m for name in reversed(last) for m in mutants if m.name.startswith(name)), mutants[-1]
    )
    path = folder / lesson_id / f"{chosen.module}.py"
    path.write_text(mutation.apply(path.read_text(), chosen.path.read_text()))
    return chosen.name


def bench_watch(lesson: str, repeat: int) -> list[str]:
    rows = []
    states = (
        ("stubs", ROOT / "exercises"),
        ("solutions", ROOT / "solutions"),
        ("one bug", ROOT / "solutions"),
    )
    for label, source in states:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "work"
            shutil.copytree(source / lesson, copy / lesson)
            if label == "one bug":
                label = f"solutions with one bug ({one_bug(lesson, copy)})"
            files = sorted(p for p in (copy / lesson).glob("*.py") if p.name != "__init__.py")
            files.sort(key=lambda p: p.stat().st_mtime, reverse=True)  # the mutated one first
            watcher = subprocess.Popen(
                [LEARN, "watch", lesson, "--path", str(copy)],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                env=learner_env(COLUMNS="120"),
            )  # fmt: skip
            screen = Screen(watcher.stdout)
            try:
                first = screen.wait_for("✔ checked at", 0)
                start_up = screen.lines[first][0]
                focus, result = [], []
                for n in range(repeat):
                    time.sleep(0.3)  # let the watcher settle, as between a learner's saves
                    seen = len(screen.lines)
                    text = files[0].read_text()
                    saved = time.perf_counter()
                    files[0].write_text(f"{text}\n# save {n}\n")
                    done = screen.wait_for("✔ checked at", seen)
                    result.append(screen.lines[done][0] - saved)
                    early = [
                        i
                        for i in range(seen, done)
                        if "checking the rest of the lesson" in screen.lines[i][1]
                    ]
                    if early:
                        focus.append(screen.lines[early[0]][0] - saved)
                watcher.send_signal(signal.SIGINT)
                watcher.wait(timeout=30)
            finally:
                watcher.kill()
        first_check = start_up - screen.lines[0][0] if screen.lines else float("nan")
        focus_text = f"{statistics.median(focus):.2f} s" if focus else "n/a"
        rows.append(
            f"| `learn watch {lesson}` on the {label} | {focus_text} "
            f"| {statistics.median(result):.2f} s (min {min(result):.2f}, max {max(result):.2f})"
            f" | {first_check:.2f} s |"
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--lessons", nargs="+", default=["lesson1", "lesson2"])
    parser.add_argument("--only", choices=["check", "watch"])
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, load average {load:.1f}, repeat {args.repeat}\n")
    if args.only != "watch":
        print(
            "| command | learn, warm worker | learn, LEARN_WARM=0 | first check "
            "| plain pytest | ratio warm | ratio LEARN_WARM=0 |"
        )
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for lesson in args.lessons:
            bench_check(lesson, args.repeat)
        print()
    if args.only != "check":
        print("| command | save → current exercise | save → whole lesson | first check |")
        print("| --- | --- | --- | --- |")
        for lesson in args.lessons:
            bench_watch(lesson, args.repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nload average at the end {load:.1f}")


if __name__ == "__main__":
    main()
