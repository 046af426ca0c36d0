"""The one result model: everything that reports a grade reads these classes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    NOT_STARTED = "not started"
    IN_PROGRESS = "in progress"  # a lesson only: some exercises done, the others not begun
    ERROR = "error"
    TEST_ERROR = "error in the test"  # the test itself raised: the course's fault, not theirs
    TIMED_OUT = "timed out"
    OUT_OF_MEMORY = "out of memory"
    CRASHED = "crashed"
    NOT_RUN = "not run"


class Outcome(StrEnum):
    """What became of a lesson as a whole. Reports decide on this, never on the wording
    of `error` or `flags`, which are for people and may quote a student's text."""

    GRADED = "graded"
    MISSING = "missing"  # the submission has no folder for the lesson: nothing ran
    FORGED = "forged"  # its results were not trusted: it earns nothing, flagged for review
    UNGRADED = "ungraded"  # the grader itself could not grade it: an error, not a zero


# When one exercise has tests in several states, it shows the most urgent one.
URGENCY = (
    Status.CRASHED,
    Status.TIMED_OUT,
    Status.OUT_OF_MEMORY,
    Status.ERROR,
    Status.FAILED,
    Status.NOT_STARTED,
    Status.TEST_ERROR,  # below what the learner can act on: they cannot fix the test
    Status.PASSED,
    Status.NOT_RUN,
)


DONE = (Status.PASSED, Status.NOT_RUN)  # nothing left to do (a GPU test is not run here)


def next_exercise(order: Iterable[str], statuses: Mapping[str, Status]) -> str | None:
    """The exercise to work on: the first of `order` not done (one never checked is not)."""
    return next((name for name in order if statuses.get(name) not in DONE), None)


@dataclass
class TestResult:
    __test__ = False  # a result, not a test class for pytest to collect

    test: str
    exercise: str
    points: float = 1.0
    status: Status = Status.CRASHED
    message: str = ""
    location: str = ""
    duration: float = 0.0
    device: str | None = None
    gpu: bool = False
    hidden: bool = False  # one of the instructor's hidden tests (`learn grade --tests`)
    section: str = ""  # the lesson's section a failure points at ("": the exercise's)
    output: str = ""  # what the test's run printed (the first lines)
    unloadable: str = ""  # the learner's file that could not be imported, if that was it

    @property
    def counts(self) -> bool:
        """A test that could not run (no GPU) neither earns nor costs points."""
        return self.status is not Status.NOT_RUN

    @classmethod
    def from_dict(cls, data: dict) -> TestResult:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**{**known, "status": Status(known.get("status", Status.CRASHED))})


@dataclass
class ExerciseResult:
    name: str
    tests: list[TestResult]

    @property
    def status(self) -> Status:
        present = {t.status for t in self.tests}
        return next((s for s in URGENCY if s in present), Status.NOT_RUN)

    @property
    def first_problem(self) -> TestResult | None:
        """The problem to show: of the tests in the most urgent state, the first; of
        failures, one that names its section first (a test written for one mistake says
        most; an error that stops every test, a file that does not load, says it alike)."""
        worst = [t for t in self.tests if t.status is self.status]
        named = [t for t in worst if t.section] if self.status is Status.FAILED else []
        return (named or worst or [None])[0]

    @property
    def score(self) -> float:
        return sum(t.points for t in self.tests if t.status is Status.PASSED)

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests if t.counts)


@dataclass
class LessonResult:
    lesson: str
    target: str
    tests: list[TestResult] = field(default_factory=list)
    error: str = ""
    isolation: str = "none: the learner's own machine"
    flags: list[str] = field(default_factory=list)  # reasons for an instructor to review it
    outcome: Outcome = Outcome.GRADED

    @property
    def score(self) -> float:
        return sum(t.points for t in self.tests if t.status is Status.PASSED)

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests if t.counts)

    @property
    def passed(self) -> bool:
        """Every test that could run passed (and there was at least one)."""
        counted = [t for t in self.tests if t.counts]
        return not self.error and bool(counted) and all(t.status is Status.PASSED for t in counted)

    @property
    def status(self) -> Status:
        if self.error:
            return Status.ERROR
        worst = ExerciseResult("", self.tests).status
        if worst is Status.NOT_STARTED and any(t.status is Status.PASSED for t in self.tests):
            return Status.IN_PROGRESS
        return worst

    def exercises(self, order: list[str] | tuple[str, ...] = ()) -> list[ExerciseResult]:
        """Tests grouped by exercise, in the catalogue's order, then any others."""
        groups: dict[str, list[TestResult]] = {name: [] for name in order}
        for test in self.tests:
            groups.setdefault(test.exercise, []).append(test)
        return [ExerciseResult(name, tests) for name, tests in groups.items() if tests]

    def statuses(self) -> dict[str, Status]:
        """Each exercise's status, by name."""
        return {e.name: e.status for e in self.exercises()}

    def next_exercise(self, order: Iterable[str]) -> str | None:
        """The exercise of `order` (the catalogue's) to work on next, None when all pass."""
        statuses = self.statuses()
        return next_exercise((name for name in order if name in statuses), statuses)

    def counts_by_status(self) -> dict[Status, int]:
        counts: dict[Status, int] = {}
        for test in self.tests:
            counts[test.status] = counts.get(test.status, 0) + 1
        return counts

    def to_dict(self) -> dict:
        return {
            "lesson": self.lesson,
            "target": self.target,
            "status": self.status.value,
            "score": self.score,
            "max_score": self.max_score,
            "passed": self.passed,
            "error": self.error,
            "isolation": self.isolation,
            "flags": list(self.flags),
            "outcome": self.outcome.value,
            "tests": [{**asdict(t), "status": t.status.value} for t in self.tests],
        }

    @classmethod
    def from_dict(cls, data: dict) -> LessonResult:
        return cls(
            lesson=data["lesson"],
            target=data["target"],
            tests=[TestResult.from_dict(t) for t in data.get("tests", [])],
            error=data.get("error", ""),
            isolation=data.get("isolation", ""),
            flags=list(data.get("flags", [])),
            outcome=Outcome(data.get("outcome", Outcome.GRADED)),
        )
