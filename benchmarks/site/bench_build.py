"""How long the website takes to build: from clean, and after editing one lesson.

    python benchmarks/site/bench_build.py                 # lesson 1 edited, once
    python benchmarks/site/bench_build.py --edit all --repeat 3 --check

Works on a copy of the course in a temporary folder, so the real cache
(.cache/mkdocs-jupyter) and the real lessons are never touched:

1. full build: `mkdocs build --strict` with an empty mkdocs-jupyter cache, so every
   lesson is executed (this is what CI and a fresh clone pay);
2. no-change rebuild: the same command again, every page served from the cache;
3. one-lesson rebuild: append a markdown cell to one lesson, build again; only that
   lesson runs;
4. one-lesson rebuild while serving: `mkdocs serve` running, a lesson edited, timed
   from the save to the server's "Reloading browsers" (what an author pays for each
   save: the server has already imported mkdocs, its plugins and the theme, and keeps
   a kernel warm); each save comes 5 s after the previous reload, as an author reads.

Each figure is the wall-clock time of the whole `mkdocs build` process, start-up and
search index included, with the CPU time it used (mkdocs and its kernels together;
more than the wall-clock time when notebooks run in parallel). The 1-minute load
average is printed alongside: on a shared machine, other work slows every figure.
Figures are medians over --repeat runs.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGETS = {"full": 60.0, "one lesson": 10.0, "one lesson, serving": 10.0}
READING = 5.0  # seconds between a reload and the next save under `mkdocs serve`
SKIP = {".git", ".venv", "site", ".cache", "artifacts", ".pytest_cache", ".ruff_cache"}


def copy_course(dest: Path) -> Path:
    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = {n for n in names if n in SKIP or n == "__pycache__" or n.endswith(".egg-info")}
        return skipped

    shutil.copytree(ROOT, dest, ignore=ignore)
    return dest


def cpu_seconds() -> float:
    """CPU time of every finished child process so far: mkdocs and its kernels."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(course: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one `mkdocs build --strict`."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", "out"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    cpu, start = cpu_seconds(), time.perf_counter()
    done = subprocess.run(command, cwd=course, capture_output=True, text=True, env=env)
    elapsed, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    if done.returncode != 0:
        sys.exit(f"mkdocs build failed:\n{(done.stdout + done.stderr)[-4000:]}")
    return elapsed, cpu


def lesson_pages(course: Path) -> dict[str, Path]:
    catalogue = tomllib.loads((course / "course.toml").read_text(encoding="utf-8"))
    return {lesson["id"]: course / lesson["page"] for lesson in catalogue["lessons"]}


def edit(page: Path, n: int) -> None:
    with page.open("a", encoding="utf-8") as f:
        f.write(f"\n# %% [markdown]\n# Benchmark edit {n}.\n")


def process_cpu(pid: int) -> float:
    """CPU seconds of a running process and of its children that have ended (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def serving(course: Path, pages: dict[str, Path], edits: list[str], n: int) -> dict:
    """Under `mkdocs serve`, the loop an author is in: each lesson edited in turn, timed
    from the save to the rebuilt site (the server's "Reloading browsers"), with the CPU
    time of the server and the kernels it ran."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        command, cwd=course, env=env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    lines: queue.Queue[tuple[float, str]] = queue.Queue()

    def read() -> None:
        for line in server.stderr:
            lines.put((time.perf_counter(), line))

    threading.Thread(target=read, daemon=True).start()

    def wait_for(text: str) -> float:
        while True:
            try:
                at, line = lines.get(timeout=300)
            except queue.Empty:
                sys.exit(f"mkdocs serve: no {text!r} within 300 s")
            if "error happened" in line or "Aborted" in line:
                sys.exit(f"mkdocs serve failed: {line}")
            if text in line:
                return at

    try:
        wait_for("Serving on")
        times = {}
        for lesson in edits:
            time.sleep(READING)
            cpu, start = process_cpu(server.pid), time.perf_counter()
            edit(pages[lesson], n + 1000)
            wall = wait_for("Reloading browsers") - start
            times[f"one lesson, serving ({lesson})"] = (wall, process_cpu(server.pid) - cpu)
        return times
    finally:
        server.terminate()
        server.wait()


def run_once(edits: list[str], n: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory(prefix="site-bench-") as tmp:
        course = copy_course(Path(tmp) / "course")
        pages = lesson_pages(course)
        times = {"full": build(course), "no change": build(course)}
        for lesson in edits:
            edit(pages[lesson], n)
            times[f"one lesson ({lesson})"] = build(course)
        return times | serving(course, pages, edits, n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edit", default="lesson1", help="a lesson id, or 'all' (one at a time)")
    parser.add_argument("--repeat", type=int, default=1, help="runs, each from a fresh copy")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    known = list(lesson_pages(ROOT))
    edits = known if args.edit == "all" else [args.edit]
    if any(e not in known for e in edits):
        parser.error(f"--edit must be one of {known} or 'all'")

    print(f"{os.cpu_count()} CPU cores; load average before: {os.getloadavg()[0]:.1f}")
    runs = []
    for n in range(args.repeat):
        runs.append(run_once(edits, n))
        figures = ", ".join(f"{k} {wall:.1f} s" for k, (wall, _) in runs[-1].items())
        print(f"run {n + 1}: {figures}; load average now {os.getloadavg()[0]:.1f}")
    print()

    def median(key: str, which: int) -> float:
        return statistics.median(run[key][which] for run in runs)

    summary = {key: (median(key, 0), median(key, 1)) for key in runs[0]}
    print("| build | wall clock (s) | CPU (s) | target (s) |\n| --- | --- | --- | --- |")
    missed = []
    for key, (wall, cpu) in summary.items():
        target = TARGETS.get(key.split(" (")[0])
        mark = "" if target is None else f"< {target:.0f}"
        if target is not None and wall >= target:
            missed.append(key)
            mark += " missed"
        print(f"| {key} | {wall:.1f} | {cpu:.1f} | {mark} |")
    if args.json:
        figures = {"runs": runs, "median": summary, "cores": os.cpu_count()}
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    if args.check and missed:
        sys.exit(f"missed: {', '.join(missed)}")


if __name__ == "__main__":
    main()
