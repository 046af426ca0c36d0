"""The first code a sandbox process runs: shut it in, then serve the judge's requests.

The judge of `learn grade` starts `python -I -B <runtime>/grader/examiner/sandbox_boot.py
CONFIG READ_FD WRITE_FD` (see grader/examiner/sandbox.py and grader/remote.py). Running
as the grader's user (root, when it can), before any code of the submission is
imported, this script:

1. joins the job's cgroups (a ceiling on processes and memory, and a list of every
   process the submission starts, however it detaches);
2. enters new mount, network and IPC namespaces where it may: the course's
   solutions, the other submissions, the output folder and the instructor's test
   sources are covered by empty read-only file systems, /tmp (and friends) become
   small private file systems, and there is no network;
3. makes a fresh copy of the staged submission to work in;
4. sets resource limits (CPU time, address space, processes, file size, open files);
5. drops to the job's own unprivileged user, with no way back (no_new_privs);
6. serves the judge's requests in this process (grader.remote), with the runtime
   folder (the grader package, without any test) first on sys.path: the submission
   is imported when the judge first asks for it.

Only the standard library is used before step 6; nothing here trusts the submission.
`probe` mode does steps 1-5 and reports what held, as one line of JSON on stdout.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import stat
import sys

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_REMOUNT = 0x20
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38

EXIT_SETUP_FAILED = 71  # the sandbox could not be set up: nothing of the submission ran

# The C library the interpreter runs on, found without a search: find_library() runs
# ldconfig in a subprocess (40 ms or more), which every sandbox and judge would pay.
_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = ""):
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def join_cgroups(paths: list[str]) -> None:
    for path in paths:
        with open(os.path.join(path, "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))


def _blocked_ancestor(path: str) -> str | None:
    """The outermost folder above `path` that other users may not pass through."""
    current = "/"
    for part in path.strip("/").split("/")[:-1]:
        current = os.path.join(current, part)
        try:
            if not os.stat(current).st_mode & stat.S_IXOTH:
                return current
        except OSError:
            return None
    return None


def _under(path: str, folders: list[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def _bind_readonly(fd: int, target: str) -> None:
    os.makedirs(target, exist_ok=True)
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
    _mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def enter_namespaces(cfg: dict) -> dict[str, int]:
    """New mount/net/IPC namespaces, in which the submission sees only what it needs.

    - `cover` (home folders, and any folder above the interpreter that other users
      may not pass through) become empty; the interpreter's folders are brought back
      read-only (`reveal`);
    - `scratch` folders (/tmp, ...) become small private file systems;
    - `hide` (solutions, submissions, output, test sources) become empty and locked;
    - the runtime (grader and tests) is brought back read-only.

    Returns open O_PATH descriptors of the stage folder, taken before any of this."""
    spec = cfg["namespaces"]
    needed = sorted({p for p in spec.get("reveal", []) if os.path.isdir(p)}, key=len)
    covers = list(spec.get("cover", []))
    covers += [a for a in map(_blocked_ancestor, needed) if a]
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC), "unshare")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    flags = os.O_PATH | os.O_DIRECTORY
    fds = {key: os.open(cfg[key], flags) for key in ("runtime", "stage")}
    kept = {path: os.open(path, flags) for path in needed}
    covered: list[str] = []
    for path in sorted(set(covers), key=len):
        if os.path.isdir(path) and not _under(path, covered):
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
            covered.append(path)
    for scratch in spec.get("scratch", []):
        os.makedirs(scratch["path"], exist_ok=True)
        size = f"size={int(scratch['size_mb'])}m,mode=1777"
        _mount("tmpfs", scratch["path"], "tmpfs", MS_NOSUID | MS_NODEV, size)
        covered.append(scratch["path"])
    revealed: list[str] = []
    for path, fd in kept.items():
        if _under(path, covered) and not _under(path, revealed):
            _bind_readonly(fd, path)
            revealed.append(path)
        os.close(fd)
    for path in spec.get("hide", []):
        if os.path.isdir(path):
            _mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=000")
    _bind_readonly(fds.pop("runtime"), cfg["runtime"])
    return fds


def make_work(cfg: dict, stage: str) -> None:
    """A fresh copy of the staged submission, owned by the user that will run it."""
    work = cfg["work"]
    parent = os.path.dirname(work)
    os.makedirs(parent, exist_ok=True)
    if os.path.lexists(work):
        shutil.rmtree(work)
    shutil.copytree(stage, work, symlinks=True)
    # A catalogue beside the copy: code looking for "the course" above the submission
    # finds this one, with no solutions/ next to it, never one planted higher up (/tmp).
    with open(os.path.join(parent, "course.toml"), "w", encoding="utf-8") as catalogue:
        catalogue.write(cfg.get("catalogue", ""))
    for name in ("home", "tmp"):
        os.makedirs(os.path.join(work, ".sandbox", name), exist_ok=True)
    uid, gid = cfg.get("uid"), cfg.get("gid")
    for root, dirs, files in os.walk(work):
        for name in [".", *dirs, *files]:
            path = os.path.join(root, name)
            if uid is not None:
                os.lchown(path, uid, gid)
            mode = os.lstat(path).st_mode
            if not stat.S_ISLNK(mode):
                os.chmod(path, (mode | stat.S_IRUSR | stat.S_IWUSR) & ~0o077)
            if stat.S_ISDIR(mode):
                os.chmod(path, 0o700)


def set_limits(limits: dict) -> None:
    table = {
        "cpu": resource.RLIMIT_CPU,
        "as": resource.RLIMIT_AS,
        "nproc": resource.RLIMIT_NPROC,
        "fsize": resource.RLIMIT_FSIZE,
        "nofile": resource.RLIMIT_NOFILE,
        "core": resource.RLIMIT_CORE,
    }
    for name, value in limits.items():
        if value is None:
            continue
        soft = int(value)
        hard = soft + 10 if name == "cpu" else soft  # SIGXCPU first, SIGKILL 10 s later
        resource.setrlimit(table[name], (soft, hard))


def drop_privileges(uid: int | None, gid: int | None) -> None:
    if uid is not None:
        os.setgroups([])
        os.setresgid(gid, gid, gid)
        os.setresuid(uid, uid, uid)
        if os.getuid() != uid or os.geteuid() != uid:
            raise OSError("could not change to the sandbox user")
        try:
            os.setuid(0)
        except PermissionError:
            pass
        else:
            raise OSError("the sandbox user could become root again")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _libc.prctl(PR_SET_PDEATHSIG, 9, 0, 0, 0)  # the grader gone: so is this process


def probe(cfg: dict, namespaced: bool) -> dict:
    """What the submission would be able to see and do, for the isolation stamp."""
    readable = {}
    for path in cfg.get("secrets", []):
        try:
            readable[path] = bool(os.listdir(path)) or os.access(path, os.R_OK)
        except OSError:
            readable[path] = False
    try:
        sys.path.insert(0, cfg["runtime"])
        import grader.remote  # noqa: F401

        python_ok = True
    except Exception as exc:  # the sandbox user cannot read the interpreter's packages
        python_ok = f"{type(exc).__name__}: {exc}"
    return {
        "uid": os.getuid(),
        "namespaces": namespaced,
        "readable": readable,
        "python_ok": python_ok,
        "work_writable": os.access(cfg["work"], os.W_OK),
        "runtime_writable": os.access(cfg["runtime"], os.W_OK),
    }


def main() -> None:
    cfg = json.loads(sys.argv[1])
    try:
        join_cgroups(cfg.get("cgroups", []))
        namespaced = False
        stage = cfg["stage"]
        if cfg.get("namespaces"):
            fds = enter_namespaces(cfg)
            stage = f"/proc/self/fd/{fds['stage']}"
            namespaced = True
        make_work(cfg, stage)
        if namespaced:
            for fd in fds.values():
                os.close(fd)
        set_limits(cfg.get("limits", {}))
        drop_privileges(cfg.get("uid"), cfg.get("gid"))
        os.chdir(cfg["work"])
    except Exception as exc:
        print(f"learn grade: the sandbox could not be set up: {exc}", file=sys.stderr)
        sys.stderr.flush()
        os._exit(EXIT_SETUP_FAILED)
    if cfg.get("probe"):
        print(json.dumps(probe(cfg, namespaced)), flush=True)
        os._exit(0)
    sys.path.insert(0, cfg["runtime"])
    from grader.remote import serve

    serve(int(sys.argv[2]), int(sys.argv[3]), cfg["work"])


if __name__ == "__main__":
    main()
