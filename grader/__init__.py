"""The course's grader: the `learn` command, its pytest plugin and the lesson tests.

The core sits here (the catalogue, the one result model, the plugin, the runner, the
report and the helpers the lesson tests share); `loop/` is the learner's side (watch,
hints, progress, the warm worker), `examiner/` the instructor's (`learn grade` and its
sandbox), `authoring/` the course writer's (stubs, mutants, verification).
"""

from pathlib import Path


def source_files() -> list[Path]:
    """The grader's own modules: not the lesson tests or the mutants kept beside them."""
    package = Path(__file__).resolve().parent
    return sorted(
        path
        for path in package.rglob("*.py")
        if path.relative_to(package).parts[0] not in ("tests", "mutants")
    )
