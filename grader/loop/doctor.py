"""`learn doctor`: is this machine ready for the course? Each problem comes with its fix.

torch is probed in a separate interpreter, so a broken install (or one that crashes
on import) is reported instead of taking the doctor down with it, and no CUDA context
is ever created in the `learn` process.
"""

from __future__ import annotations

import importlib.metadata as metadata
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from grader import course as course_mod
from grader.course import CourseError

DISTRIBUTION = "learn-pytorch-course"
MIN_PYTHON = (3, 11)
NEEDED = ("torch", "pytest", "hypothesis", "click", "rich", "watchfiles")

PROBE = r"""
import json, platform
info = {}
try:
    import torch
except ModuleNotFoundError as exc:
    info["error" if exc.name != "torch" else "missing"] = f"{type(exc).__name__}: {exc}"
except Exception as exc:
    info["error"] = f"{type(exc).__name__}: {exc}"
else:
    info["version"] = torch.__version__
    info["cuda_build"] = torch.version.cuda
    info["hip_build"] = getattr(torch.version, "hip", None)
    info["cuda"] = torch.cuda.is_available()
    info["cuda_devices"] = [
        torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())
    ] if info["cuda"] else []
    mps = getattr(torch.backends, "mps", None)
    info["mps_built"] = bool(mps and mps.is_built())
    info["mps"] = bool(mps and mps.is_available())
print(json.dumps(info))
"""


@dataclass(frozen=True)
class Finding:
    what: str  # the subject, e.g. "python" or "torch"
    detail: str  # what was found
    ok: bool = True
    fix: str = ""  # for a problem: what to do about it
    warning: bool = False  # worth knowing, but not a problem


def probe_torch(python: str = sys.executable, timeout: float = 180.0) -> dict:
    """torch's version, build and devices, as reported by a fresh interpreter."""
    try:
        run = subprocess.run([python, "-c", PROBE], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"importing torch took more than {timeout:.0f} s"}
    except OSError as exc:
        return {"error": str(exc)}
    lines = run.stdout.strip().splitlines()
    if run.returncode != 0 or not lines:
        tail = (run.stderr.strip().splitlines() or [f"exit code {run.returncode}"])[-1]
        how = f"killed by signal {-run.returncode}" if run.returncode < 0 else tail
        return {"error": f"importing torch failed: {how}"}
    try:
        return json.loads(lines[-1])
    except ValueError:
        return {"error": f"unexpected output from the torch probe: {lines[-1][:200]}"}


def _installed() -> tuple[metadata.Distribution | None, dict]:
    """The course as installed in this environment: an egg-info that a build left in
    the working folder, found first when that folder is on sys.path, does not count."""
    found = list(metadata.distributions(name=DISTRIBUTION))
    ours = [d for d in found if Path(str(d.locate_file(""))).resolve().is_relative_to(sys.prefix)]
    dist = (ours or found or [None])[0]
    if dist is None:
        return None, {}
    try:
        direct = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        direct = {}
    return dist, direct


def diagnose(
    cwd: Path | None = None,
    torch_info: dict | None = None,
    version: tuple[int, ...] | None = None,
) -> list[Finding]:
    """Everything `learn doctor` checks, in order; `torch_info` and `version` are for tests."""
    findings: list[Finding] = []
    here = sys.prefix
    venv_hint = f"{Path(sys.executable).parent}/pip"

    version = version or sys.version_info[:3]
    shown = ".".join(str(v) for v in version)
    if tuple(version[:2]) >= MIN_PYTHON:
        findings.append(Finding("python", f"{shown} ({sys.executable})"))
    else:
        findings.append(
            Finding(
                "python",
                f"{shown} is too old: the course needs 3.11 or newer",
                ok=False,
                fix="install Python 3.11+ and recreate the environment: "
                "rm -rf .venv && ./learn doctor",
            )
        )

    info = torch_info if torch_info is not None else probe_torch()
    if "missing" in info:
        findings.append(
            Finding(
                "torch",
                "not installed yet: the first check of a lesson that uses it installs it",
                warning=True,
                fix=f"{venv_hint} install -c constraints.txt -e '.[torch]'  (to install it now)",
            )
        )
    elif "error" in info:
        findings.append(
            Finding(
                "torch",
                info["error"],
                ok=False,
                fix=f"{venv_hint} install -c constraints.txt -e '.[torch]'  (in the course folder)",
            )
        )
    else:
        if info.get("cuda_build"):
            build = f"CUDA {info['cuda_build']} build"
        elif info.get("hip_build"):
            build = f"ROCm {info['hip_build']} build"
        else:
            build = "CPU build"
        findings.append(Finding("torch", f"{info.get('version')} ({build})"))
        if info.get("cuda"):
            devices = ", ".join(info.get("cuda_devices") or []) or "a device"
            findings.append(Finding("cuda", f"available: {devices}"))
        elif info.get("cuda_build"):
            findings.append(
                Finding(
                    "cuda",
                    "torch was built for CUDA but sees no usable GPU (driver missing or "
                    "too old?); GPU tests will show as not run",
                    warning=True,
                    fix="check `nvidia-smi`; or ignore this on a machine without a GPU",
                )
            )
        else:
            findings.append(
                Finding("cuda", "not available: GPU tests will show as not run (no points lost)")
            )
        if info.get("mps"):
            findings.append(Finding("mps", "available (Apple GPU)"))
        elif sys.platform == "darwin":
            findings.append(
                Finding(
                    "mps",
                    "not available: GPU tests will show as not run",
                    warning=True,
                    fix="MPS needs macOS 12.3+ on Apple silicon and an arm64 Python",
                )
            )
        else:
            findings.append(Finding("mps", "not available (Apple GPUs only)"))

    for name in NEEDED[1:]:
        try:
            findings.append(Finding(name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            findings.append(
                Finding(
                    name,
                    "not installed",
                    ok=False,
                    fix=f"{venv_hint} install -e .  (from the course folder)",
                )
            )

    try:
        root = course_mod.find_root(cwd)
        course = course_mod.load(root)
        lessons = len(course.lessons)
        findings.append(Finding("course", f"{course.title} ({lessons} lessons) at {root}"))
    except CourseError as exc:
        root = None
        findings.append(
            Finding("course", str(exc), ok=False, fix="cd into the folder you cloned the course to")
        )

    dist, direct = _installed()
    if dist is None:
        findings.append(
            Finding(
                "install",
                f"{DISTRIBUTION} is not installed in this environment ({here})",
                ok=False,
                fix=f"{venv_hint} install -e {root or '<course folder>'}",
            )
        )
    else:
        url = direct.get("url", "")
        editable = bool(direct.get("dir_info", {}).get("editable"))
        source = Path(unquote(urlparse(url).path)) if url.startswith("file:") else None
        where = f"{DISTRIBUTION} {dist.version} in {here}"
        if not editable:
            findings.append(
                Finding(
                    "install",
                    f"{where}, not editable: the grader there does not follow this course",
                    ok=False,
                    fix=f"{venv_hint} install -e {root or '<course folder>'}",
                )
            )
        elif root is not None and source is not None and _same(source, root):
            findings.append(Finding("install", f"{where}, editable, from this course"))
        else:
            findings.append(
                Finding(
                    "install",
                    f"{where}, editable, but from {source or url or 'elsewhere'}, not this course",
                    ok=False,
                    fix=f"{venv_hint} install -e {root or '<course folder>'}",
                )
            )

    learn = shutil.which("learn")
    mine = Path(sys.executable).parent / "learn"
    if learn is None or not _same(Path(learn), mine):
        findings.append(
            Finding(
                "learn",
                f"`learn` on your PATH is {learn or 'missing'}, not this environment's",
                warning=True,
                fix=f"source {Path(sys.executable).parent}/activate, or run ./learn",
            )
        )

    if root is not None:
        findings.append(Finding("warm", _warm_worker(course)))
        path = root / course_mod.STATE_FOLDER / "progress.json"
        if path.exists():
            try:
                json.loads(path.read_text(encoding="utf-8"))
                findings.append(Finding("progress", f"{path.relative_to(root)}"))
            except (OSError, ValueError):
                findings.append(
                    Finding(
                        "progress",
                        f"{path.relative_to(root)} is damaged: it is ignored and rewritten "
                        "at the next check",
                        warning=True,
                        fix=f"nothing to do (or delete {path})",
                    )
                )
    return findings


def _warm_worker(course: course_mod.Course) -> str:
    """Whether a warm worker waits for the next check (see grader/loop/daemon.py)."""
    from grader.loop import daemon

    idle = daemon.idle_limit()
    if not idle:
        return "off (LEARN_WARM=0): every check starts a fresh interpreter"
    if not daemon.FORK_SUPPORTED:
        return "not on this system (Linux only): every check starts a fresh interpreter"
    worker = daemon.connect(course)
    if worker is None:
        return "no worker now: the next check starts one for the check after it"
    with worker:
        return f"worker {worker.pid} waits for the next check (leaves {idle:g} s after the last)"


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def healthy(findings: list[Finding]) -> bool:
    return all(f.ok for f in findings)
