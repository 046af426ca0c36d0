"""Deadlines and late days: which version of a submission is graded, and what lateness costs.

A submission that is a git repository (a student's clone) is graded as its last commit
at or before the deadline, or, with late days, before the deadline plus those days; the
days after the deadline each cost `penalty` percent of the score. That commit's files
are read out with git into a folder of the run's own: the student's folder is never
touched. A submission that is not a repository is graded as it is; its time, when the
instructor's students.csv gives one (a `submitted_at` column, as a learning platform
exports it), decides its lateness.

A commit's time is written by the student's own machine: where that matters, grade a
copy of the repositories taken at the deadline.
"""

from __future__ import annotations

import math
import os
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from grader.course import CourseError
from grader.examiner.staging import STAGE_MAX_BYTES, STAGE_MAX_FILE, STAGE_MAX_FILES

GIT_SECONDS = 60
# A student's repository configures git as it likes: run nothing it names, and read a
# repository whoever owns it (the grader may run as root over the students' clones).
GIT = ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null",
       "-c", "log.showSignature=false", "-c", "safe.directory=*"]  # fmt: skip


def _env() -> dict[str, str]:
    """No configuration but the repository's own (which GIT overrides where it could run
    something): not the machine's, not the grader's home."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull, "HOME": os.devnull, "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C"}  # fmt: skip


def parse_time(text: str, option: str) -> datetime:
    """An ISO 8601 time with its time zone (a deadline without one means nothing)."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CourseError(
            f"{option} {text!r}: write it as ISO 8601, e.g. 2026-12-01T23:59:00+01:00"
        ) from None
    if when.tzinfo is None:
        raise CourseError(f"{option} {text!r}: give its time zone, e.g. Z or +01:00 at the end")
    return when


@dataclass(frozen=True)
class Policy:
    deadline: datetime
    late_days: int = 0  # days after the deadline a submission is still taken
    penalty: float = 0.0  # percent of the score per day (or part of a day) late

    def __post_init__(self) -> None:
        if self.late_days < 0 or not 0 <= self.penalty <= 100:
            raise CourseError("--late-days must be 0 or more, --late-penalty a percent (0-100)")

    @property
    def closes(self) -> datetime:
        return self.deadline + timedelta(days=self.late_days)

    def days_late(self, when: datetime) -> int:
        return max(0, math.ceil((when - self.deadline) / timedelta(days=1)))

    def deduction(self, days: int) -> float:
        """The percent of the score that `days` late cost."""
        return min(100.0, self.penalty * days)

    def settings(self) -> dict:
        return {"deadline": self.deadline.isoformat(), "late_days": self.late_days,
                "penalty": self.penalty}  # fmt: skip


@dataclass
class Version:
    """What of a submission is graded and when it was handed in."""

    folder: Path | None  # None: nothing was handed in in time
    submitted: datetime | None = None  # None: not known (no repository, no time given)
    commit: str = ""
    note: str = ""
    days_late: int = 0
    deduction: float = 0.0  # percent of the score

    def priced(self, policy: Policy) -> Version:
        """With what handing it in when it was costs under `policy`."""
        if self.submitted is not None:
            self.days_late = policy.days_late(self.submitted)
            self.deduction = policy.deduction(self.days_late)
        return self


def choose(folder: Path, policy: Policy, into: Path, submitted: str = "") -> Version:
    """The version of the submission in `folder` that `policy` grades, read out into
    `into` when it is a commit of a repository."""
    if not (folder / ".git").exists():
        if not submitted:
            return Version(folder, note="no submission time known: graded as it is, not late")
        when = parse_time(submitted, "students.csv submitted_at")
        if when > policy.closes:
            return Version(
                None, when, note=f"handed in {when.isoformat()}, after {_closing(policy)}"
            )
        return Version(folder, when).priced(policy)
    found = _git(folder, "log", "-1", "--format=%H %cI", f"--before={policy.closes.isoformat()}",
                 "HEAD")  # fmt: skip
    if found.returncode != 0 or not found.stdout.strip():
        why = "no commit" if found.returncode == 0 else "not a readable git repository"
        return Version(None, note=f"{why} before {_closing(policy)}")
    commit, stamp = found.stdout.split()
    _extract(folder, commit, into)
    return Version(into, datetime.fromisoformat(stamp), commit).priced(policy)


def _closing(policy: Policy) -> str:
    late = f" and {policy.late_days} late day(s)" if policy.late_days else ""
    return f"the deadline ({policy.deadline.isoformat()}){late}"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([*GIT, "-C", str(repo), *args], capture_output=True, text=True,
                              timeout=GIT_SECONDS, env=_env())  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return subprocess.CompletedProcess(args, 1, "", str(exc))


def _extract(repo: Path, commit: str, into: Path) -> None:
    """The commit's files, as git archive streams them: regular files and folders only,
    within the staging budgets (staging then takes what a lesson needs of them)."""
    into.mkdir(parents=True)
    with subprocess.Popen(
        [*GIT, "-C", str(repo), "archive", "--format=tar", commit],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env(),
    ) as git:  # fmt: skip
        total = count = 0
        try:
            with tarfile.open(fileobj=git.stdout, mode="r|") as archive:
                for member in archive:
                    count += 1
                    total += member.size
                    if count > STAGE_MAX_FILES or total > STAGE_MAX_BYTES:
                        break
                    if (member.isfile() and member.size <= STAGE_MAX_FILE) or member.isdir():
                        archive.extract(member, into, filter="data")
        except (tarfile.TarError, OSError):
            pass  # what was read out is graded; staging says what is missing
        finally:
            git.kill()
