"""As root, the attack suite runs twice: as root (the full sandbox), and again as a plain
user (`nobody`: process limits only), which test_plain_user.py judges last. The second
run starts with the first test, in the background (as_plain_user.py), so that both
wait out their timeouts together. It has a /tmp of its own; its JUnit report comes back
in the folder `plain_user_run` gives."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from as_plain_user import written

from grader.examiner.host import interpreter_paths
from grader.examiner.sandbox import cache_folder

HERE = Path(__file__).resolve().parent
JUDGED_BY = "test_plain_user.py"
RUN_AGAIN = ["test_adversarial.py", "test_lesson1.py"]


@pytest.fixture(scope="session", autouse=True)
def plain_user_run(request):
    """The plain-user run's folder (None where this is not root, or nothing judges it)."""
    judged = any(item.path.name == JUDGED_BY for item in request.session.items)
    if os.geteuid() != 0 or not judged:
        yield None
        return
    user = pwd.getpwnam("nobody")
    work = Path(tempfile.mkdtemp(prefix="learn-adversarial-plain-"))
    home = work / "home"  # with the grader's cache: its tables take seconds to build
    with contextlib.suppress(OSError, shutil.Error):
        shutil.copytree(cache_folder(), home / ".cache" / "learn-grade", symlinks=True)
    home.mkdir(exist_ok=True)
    for path in [work, *work.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               f"--junitxml={work}/junit.xml", "--basetemp=/tmp/pytest-plain",
               *(str(HERE / name) for name in RUN_AGAIN)]  # fmt: skip
    spec = {
        "uid": user.pw_uid,
        "gid": user.pw_gid,
        "reveal": [*interpreter_paths(), str(HERE.parents[1])],
        "writable": [str(work)],
        "scratch": ["/tmp"],
        "command": command,
        "env": {
            "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
            "HOME": str(home),
            "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        "cwd": str(HERE.parents[1]),
        "status": str(work),
    }
    launcher = [sys.executable, str(HERE / "as_plain_user.py"), json.dumps(spec)]
    with open(work / "log.txt", "wb") as log:
        subprocess.run(launcher, stdout=log, stderr=subprocess.STDOUT, check=True)
    try:
        yield work
    finally:
        pid = written(work / "pid", 30)
        if written(work / "rc", 0) is None and pid:  # the root run stopped early: so does this
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGINT)
                if written(work / "rc", 60) is None:
                    os.killpg(os.getpgid(pid), signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
