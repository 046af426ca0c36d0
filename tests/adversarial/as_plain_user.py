"""Run a command as a plain user, as `learn grade` runs on a machine that gives it no
root: `python as_plain_user.py SPEC`, started as root (test_as_a_plain_user_too).

It returns at once and the command runs on in the background, in a session of its
own and no descendant of the caller: a grader in the caller kills those as orphans.
It writes the command's pid and, once it ends, its exit status into SPEC's `status`
folder.

The interpreter may live where a plain user cannot reach it (a pyenv under /root,
mode 700). In a private mount namespace, each folder above the ones the command
needs that other users may not pass through is covered by an empty file system, as
is each `scratch` folder (a /tmp of its own: nothing it plants meets the root run);
the folders it needs come back at their own paths, `reveal` read-only and `writable`
as they are. Then the process becomes the user, with no way back, and runs the
command. Nothing of the machine changes: the namespace ends with the command.

SPEC is JSON: {"uid", "gid", "reveal": [...], "writable": [...], "scratch": [...],
"command": [...], "env": {...}, "cwd", "status"}.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from grader.examiner.sandbox_boot import (
    CLONE_NEWNS,
    MS_BIND,
    MS_NODEV,
    MS_NOSUID,
    MS_PRIVATE,
    MS_REC,
    _bind_readonly,
    _blocked_ancestor,
    _check,
    _libc,
    _mount,
    _under,
)


def shut_in(reveal: list[str], writable: list[str], scratch: list[str]) -> None:
    """Cover what the user may not pass and `scratch`; bring back what it needs."""
    needed = sorted({*reveal, *writable}, key=len)
    covers = sorted({*filter(None, map(_blocked_ancestor, needed)), *scratch}, key=len)
    _check(_libc.unshare(CLONE_NEWNS), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    kept = {p: os.open(p, os.O_PATH | os.O_DIRECTORY) for p in needed if _under(p, covers)}
    covered: list[str] = []
    for path in covers:
        if not _under(path, covered):
            mode = "1777" if path in scratch else "0755"
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"mode={mode}")
            covered.append(path)
    revealed: list[str] = []
    for path, fd in kept.items():
        if path in writable:
            os.makedirs(path, exist_ok=True)
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        elif not _under(path, revealed):
            _bind_readonly(fd, path)
            revealed.append(path)
        os.close(fd)


def main() -> None:
    spec = json.loads(sys.argv[1])
    if os.fork():
        os._exit(0)
    os.setsid()
    status = Path(spec["status"])
    try:
        shut_in(spec["reveal"], spec.get("writable", []), spec.get("scratch", []))
        uid, gid = spec["uid"], spec["gid"]
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        child = subprocess.Popen(spec["command"], env=spec["env"], cwd=spec["cwd"])
        (status / "pid").write_text(str(child.pid))
        code = child.wait()
    except OSError as exc:  # no namespace here, no such user...: said, not waited for
        print(f"as_plain_user.py: {exc}", file=sys.stderr, flush=True)
        code = 71
    (status / "rc").write_text(str(code))


def written(path: Path, timeout: float) -> int | None:
    """The number this writes into `path` (the pid, the exit status), once it has."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError, ValueError):
            return int(path.read_text())
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.5)


if __name__ == "__main__":
    main()
