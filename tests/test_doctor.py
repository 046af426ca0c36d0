"""`learn doctor`: what it checks, the fix it gives for each problem, its exit code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from grader.loop import doctor

LEARN = str(Path(sys.executable).with_name("learn"))
CPU = {"version": "2.13.0+cpu", "cuda_build": None, "cuda": False, "mps": False}
CUDA = {
    "version": "2.13.0+cu128",
    "cuda_build": "12.8",
    "cuda": True,
    "cuda_devices": ["NVIDIA H100"],
    "mps": False,
}


def by_name(findings) -> dict[str, doctor.Finding]:
    return {f.what: f for f in findings}


def test_a_cpu_machine_in_its_course_is_healthy(toy):
    found = by_name(doctor.diagnose(cwd=toy.root, torch_info=CPU))
    assert found["torch"].ok and "CPU build" in found["torch"].detail
    assert found["cuda"].ok and "not run" in found["cuda"].detail
    assert found["python"].ok and found["course"].ok and "Toy course" in found["course"].detail
    assert str(toy.root) in found["course"].detail


def test_a_gpu_machine_names_its_build_and_device(toy):
    found = by_name(doctor.diagnose(cwd=toy.root, torch_info=CUDA))
    assert "CUDA 12.8 build" in found["torch"].detail
    assert "NVIDIA H100" in found["cuda"].detail


def test_a_cuda_build_without_a_gpu_is_a_warning_not_a_problem(toy):
    info = {**CUDA, "cuda": False, "cuda_devices": []}
    cuda = by_name(doctor.diagnose(cwd=toy.root, torch_info=info))["cuda"]
    assert cuda.ok and cuda.warning and "nvidia-smi" in cuda.fix


def test_torch_not_yet_installed_is_a_warning_with_how_to_install_it_now(toy):
    info = {"missing": "ModuleNotFoundError: No module named 'torch'"}
    found = by_name(doctor.diagnose(cwd=toy.root, torch_info=info))
    assert found["torch"].ok and found["torch"].warning
    assert "first check of a lesson that uses it" in found["torch"].detail
    assert "'.[torch]'" in found["torch"].fix and "cuda" not in found


def test_each_problem_comes_with_a_fix(tmp_path):
    findings = doctor.diagnose(
        cwd=tmp_path, torch_info={"error": "ModuleNotFoundError: torch"}, version=(3, 9, 1)
    )
    problems = by_name(f for f in findings if not f.ok)
    assert {"python", "torch", "course"} <= set(problems)
    assert "3.11" in problems["python"].detail
    assert "install" in problems["torch"].fix and "constraints.txt" in problems["torch"].fix
    assert "cd into the folder" in problems["course"].fix
    assert all(f.fix for f in findings if not f.ok)
    assert not doctor.healthy(findings)


def test_an_install_from_another_course_is_a_problem(toy):
    # this environment's course package is installed (editable) from the repository,
    # not from the toy course: the fix is to install the toy course
    install = by_name(doctor.diagnose(cwd=toy.root, torch_info=CPU))["install"]
    assert not install.ok and "not this course" in install.detail
    assert f"install -e {toy.root}" in install.fix


def test_a_damaged_progress_file_is_only_a_warning(toy):
    (toy.root / ".learn").mkdir()
    (toy.root / ".learn" / "progress.json").write_text("{{")
    found = by_name(doctor.diagnose(cwd=toy.root, torch_info=CPU))["progress"]
    assert found.ok and found.warning and "damaged" in found.detail


def test_the_command_probes_torch_for_real_and_exits_2_on_a_problem(toy):
    run = subprocess.run(
        [LEARN, "doctor"], cwd=toy.root, capture_output=True, text=True, timeout=300,
        env={"COLUMNS": "200", "PATH": str(Path(sys.executable).parent)},
    )  # fmt: skip
    assert run.returncode == 2, run.stdout + run.stderr
    assert "torch" in run.stdout and "2.13" in run.stdout  # the pinned version, probed
    assert "fix:" in run.stdout and "problem(s) found" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_probe_reports_a_torch_that_cannot_be_imported(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'ImportError: libtorch.so: cannot open' >&2\nexit 1\n")
    fake.chmod(0o755)
    info = doctor.probe_torch(python=str(fake))
    assert "libtorch.so" in info["error"]
