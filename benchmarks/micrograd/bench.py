"""Our reference `Value` (solutions/lesson5) against micrograd 0.1.0 from PyPI.

    .venv/bin/python benchmarks/micrograd/bench.py [--repeats 7] [--no-gc]

Three workloads, each timed for both engines:

- mlp:   3 training steps of MLP(2, [16, 16, 1]) on 32 two-moons points, each step a
         forward pass of every point, the mean hinge loss, zero_grad, backward and an
         SGD update. Both networks start from the same weights, and the losses of both
         engines are compared first: they must agree to 1e-9.
- chain: a chain of alternating `* 0.999` and `+ 0.001`, forward and backward, at 90%
         of the depth where micrograd's recursive backward() raises RecursionError
         (found by bisection); then ours alone at 100 000 and 1 000 000 operations.
- chains: the same chain 20 times over, each graph dropped before the next is built,
         as in a training loop (one chain alone takes a few milliseconds).

Every measurement runs in a fresh Python process that imports only the engine it
times, so that neither engine pays for the other's garbage or modules, and the
processes alternate ours, theirs, ours, theirs... so that a busy machine slows both
alike. Each reports CPU time (time.process_time) and wall time (time.perf_counter).
The garbage collector is on, as in normal use, unless --no-gc. The speed-up is
micrograd's time over ours: medians of the repeats, and best repeats.
See README.md for figures.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "solutions"))
sys.path.insert(0, str(ROOT))

from grader.datasets import two_moons  # noqa: E402

CHAINS = 20  # chains built and dropped one after another in the "chains" workload
ENGINES = {"ours": "lesson5", "micrograd": "micrograd"}  # each a package with engine and nn


def load(name: str):
    """The engine's Value and MLP. Imported on demand, so that a measuring process holds
    only the engine it times: the other's modules would lengthen every full collection."""
    package = ENGINES[name]
    engine, nn = (importlib.import_module(f"{package}.{m}") for m in ("engine", "nn"))
    return engine.Value, nn.MLP


def mlp_workload(name: str, steps: int = 3, n: int = 32):
    """A callable running `steps` training steps, and the list it appends losses to."""
    value, mlp = load(name)
    model = mlp(2, [16, 16, 1])
    weights = random.Random(0)  # the same weights for both engines: the same parameter order
    for p in model.parameters():
        p.data = weights.uniform(-1, 1)
    X, labels = two_moons(n, noise=0.1, seed=0)
    y = [1 if label == 1 else -1 for label in labels]
    losses: list[float] = []

    def run() -> None:
        for _ in range(steps):
            total = value(0.0)
            for x, label in zip(X, y, strict=True):
                total = total + (1 - label * model(x)).relu()
            loss = total * (1.0 / n)
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data -= 0.05 * p.grad
            losses.append(loss.data)

    return run, losses


def build_chain(value, depth: int):
    """x and the end of a chain of `depth` operations (alternately * 0.999 and + 0.001)."""
    x = value(1.0)
    v = x
    for i in range(depth):
        v = v * 0.999 if i % 2 == 0 else v + 0.001
    return x, v


def chain_workload(name: str, depth: int, times: int = 1):
    """Build a chain and backward through it, `times` times over, each graph dropped
    before the next is built, as a training loop does."""
    value, _ = load(name)

    def run() -> None:
        for _ in range(times):
            _, out = build_chain(value, depth)
            out.backward()

    return run, None


def child(engine: str, workload: str, depth: int, gc_on: bool) -> None:
    """Run one measurement in this (fresh) process and print it as JSON."""
    if workload == "mlp":
        run, _ = mlp_workload(engine)
    else:
        run, _ = chain_workload(engine, depth, CHAINS if workload == "chains" else 1)
    gc.collect()
    if not gc_on:
        gc.disable()
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(json.dumps({"cpu": cpu, "wall": wall}))


def measure(engine: str, workload: str, depth: int, gc_on: bool) -> dict:
    args = [sys.executable, __file__, "--child", engine, workload, str(depth)]
    out = subprocess.run(args + ([] if gc_on else ["--no-gc"]), capture_output=True, text=True)
    if out.returncode:
        raise RuntimeError(out.stderr)
    return json.loads(out.stdout)


def compare(title: str, workload: str, repeats: int, gc_on: bool, depth: int = 0) -> None:
    runs: dict[str, list[dict]] = {name: [] for name in ENGINES}
    for _ in range(repeats):
        for name in ENGINES:
            runs[name].append(measure(name, workload, depth, gc_on))
    lines = [title]
    for clock in ("cpu", "wall"):
        ours = [r[clock] for r in runs["ours"]]
        theirs = [r[clock] for r in runs["micrograd"]]
        for name, times in (("ours", ours), ("micrograd", theirs)):
            best, median = min(times) * 1e3, statistics.median(times) * 1e3
            lines.append(f"  {clock:4} {name:10} best {best:8.1f} ms   median {median:8.1f} ms")
        lines.append(
            f"  {clock:4} speed-up   {statistics.median(theirs) / statistics.median(ours):.2f}x"
            f" (medians), {min(theirs) / min(ours):.2f}x (best)"
        )
    print("\n".join(lines), flush=True)


def same_losses() -> None:
    """Both engines, same weights and data: the same losses, step by step."""
    got = {}
    for name in ENGINES:
        run, losses = mlp_workload(name)
        run()
        got[name] = losses
    worst = max(abs(a - b) for a, b in zip(got["ours"], got["micrograd"], strict=True))
    assert worst < 1e-9, f"the engines disagree: {got}"
    print(f"check: both engines give the same losses {[round(x, 6) for x in got['ours']]}")


def micrograd_limit() -> int:
    """The smallest chain depth (in operations) where micrograd's backward() recurses too deep."""

    def fails(depth: int) -> bool:
        _, out = build_chain(load("micrograd")[0], depth)
        try:
            out.backward()
        except RecursionError:
            return True
        return False

    low, high = 1, 4096  # fails(high) holds at the default recursion limit of 1000
    assert fails(high), "micrograd handled 4096 operations: is the recursion limit raised?"
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if fails(middle) else (middle, high)
    return high


def deep(depth: int) -> tuple[float, float]:
    """Seconds to build and to backward a chain of `depth` operations with our Value."""
    gc.collect()
    start = time.perf_counter()
    x, out = build_chain(load("ours")[0], depth)
    built = time.perf_counter()
    out.backward()
    done = time.perf_counter()
    expected = 0.999 ** ((depth + 1) // 2)
    assert abs(x.grad - expected) <= 1e-9 * expected, (x.grad, expected)
    return built - start, done - built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-gc", action="store_true", help="time with the collector off")
    parser.add_argument("--child", nargs=3, metavar=("ENGINE", "WORKLOAD", "DEPTH"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.child:
        engine, workload, depth = args.child
        child(engine, workload, int(depth), gc_on=not args.no_gc)
        return
    print(
        f"Python {platform.python_version()} on {platform.machine()}, "
        f"recursion limit {sys.getrecursionlimit()}, garbage collector "
        f"{'off' if args.no_gc else 'on'}, {args.repeats} repeats, a fresh process each"
    )
    same_losses()
    gc_on = not args.no_gc
    compare("mlp: 3 training steps of MLP(2, [16, 16, 1]) on 32 points", "mlp", args.repeats, gc_on)
    limit = micrograd_limit()
    depth = limit * 9 // 10
    compare(f"chain: {depth} operations, forward and backward", "chain", args.repeats, gc_on, depth)
    title = f"chains: {CHAINS} chains of {depth} operations, one after another"
    compare(title, "chains", args.repeats, gc_on, depth)
    print(f"micrograd's backward() raises RecursionError from a chain of {limit} operations")
    if not gc_on:
        gc.disable()
    for n in (100_000, 1_000_000):
        built, back = deep(n)
        print(f"ours, {n:>9,} operations: build {built:.2f} s, backward {back:.2f} s (wall)")
    gc.enable()


if __name__ == "__main__":
    main()
