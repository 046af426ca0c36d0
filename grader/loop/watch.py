"""`learn watch`: re-check a lesson whenever a file under exercises/ is saved.

The screen shows the lesson at a glance (every exercise's status on one line) and the
exercise being worked on in full: the first one not passing, its first problem, where
in the learner's file, what to reread, how to get a hint. Runs go to a warm process
(`grader.loop.worker`) that has torch and pytest imported already, and the current
exercise's tests run first, so its verdict is on screen before the rest of the lesson
is done; a newer save cancels a run that is still going.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.columns import Columns
from rich.console import Console, Group
from rich.text import Text

from grader import render
from grader.course import Course, CourseError, Lesson
from grader.loop import progress
from grader.loop.clients import make_runner
from grader.loop.install import ensure_torch
from grader.loop.worker import FORK_SUPPORTED
from grader.results import ExerciseResult, LessonResult, Status, TestResult, next_exercise
from grader.runner import RunOptions

TICK = 0.025  # seconds between looks at the worker when no file changes
RESTARTS = 3  # warm processes lost before falling back to a fresh interpreter per run


def first_unfinished(course: Course, target: Path | None = None) -> Lesson | None:
    """The first lesson, in order, that is ready (tests and exercise folder) and whose
    last check did not pass; None when every ready lesson passes."""
    from grader.loop.overview import overview

    for state in overview(course, target).lessons:
        if state.available and not state.passed:
            return state.lesson
    return None


def _next_lesson(course: Course, lesson: Lesson) -> Lesson | None:
    ids = [item.id for item in course.lessons]
    index = ids.index(lesson.id) if lesson.id in ids else len(ids)
    return course.lessons[index + 1] if index + 1 < len(ids) else None


def current_exercise(lesson: Lesson, result: LessonResult | None, statuses=None) -> str | None:
    """The exercise to work on: from `result` when there is one, else from `statuses`."""
    order = [exercise.name for exercise in lesson.exercises]
    if result is not None:
        return result.next_exercise(order)
    return next_exercise(order, statuses or {})


def focus_after_save(
    lesson: Lesson, result: LessonResult | None, statuses: dict, saved: str | None
) -> str | None:
    """The exercise to run first: the first unfinished one of the file just saved, if it
    has one, else the lesson's current one."""
    if result is not None:
        statuses = result.statuses()
    of_file = [e.name for e in lesson.exercises if e.file == saved]
    return next_exercise(of_file, statuses or {}) or current_exercise(lesson, None, statuses)


def lesson_of(course: Course, target: Path, changed: set) -> tuple[Lesson | None, str | None]:
    """The lesson whose exercise folder holds the last saved file, and that file's name."""
    for _, path in sorted(changed, key=lambda change: str(change[1]), reverse=True):
        try:
            parts = Path(path).resolve().relative_to(target.resolve()).parts
        except ValueError:
            continue
        found = next((item for item in course.lessons if item.id == parts[0]), None)
        if found is not None and len(parts) > 1:
            return found, "/".join(parts[1:])
    return None, None


@dataclass
class Run:
    """One check in flight: the tests reported so far, and when it started."""

    ident: int
    focus: str | None
    started: float = field(default_factory=time.monotonic)
    expected: list[TestResult] = field(default_factory=list)
    done: dict[str, TestResult] = field(default_factory=dict)
    shown_focus: bool = False

    def take(self, record: dict) -> None:
        event = record.get("event")
        if event == "collected" and not self.expected:
            self.expected = [TestResult.from_dict(t) for t in record.get("tests", [])]
        elif event == "result":
            known = next((t for t in self.expected if t.test == record.get("test")), None)
            base = known.__dict__ if known else {"test": record.get("test"), "exercise": "?"}
            self.done[record["test"]] = TestResult.from_dict({**base, **record})

    def focus_result(self) -> ExerciseResult | None:
        """The focused exercise's result, once every one of its tests has reported."""
        mine = [t for t in self.expected if t.exercise == self.focus]
        if not mine or any(t.test not in self.done for t in mine):
            return None
        return ExerciseResult(self.focus or "", [self.done[t.test] for t in mine])


def _exercise_strip(lesson: Lesson, shown: dict[str, tuple[Status, bool]]) -> Columns:
    """Every exercise with its status icon; stale ones (from the last run) dimmed. As
    columns: a narrow terminal wraps between exercises, never between icon and name."""
    items = []
    for exercise in lesson.exercises:
        if exercise.name not in shown:
            items.append(Text(f"· {exercise.name}", style="dim"))
        else:
            status, fresh = shown[exercise.name]
            label, style = render.STYLE[status]
            icon = label.split()[0]
            items.append(Text(f"{icon} {exercise.name}", style=style if fresh else "dim"))
    return Columns(items, padding=(0, 3))


def _bar(done: int, total: int, width: int = 30) -> Text:
    filled = round(width * done / total) if total else 0
    bar = Text("━" * filled, style="green")
    bar.append("━" * (width - filled), style="grey30")
    return bar


def _focus_panel(
    lesson: Lesson, exercise: ExerciseResult, target: Path, stale: bool = False
) -> Text:
    known = {e.name: e for e in lesson.exercises}
    info = known.get(exercise.name)
    text = Text(style="dim" if stale else "")
    text.append(exercise.name, style="bold")
    text.append("  ")
    text.append_text(render.status_text(exercise.status))
    text.append(f"  {render.points(exercise.score, exercise.max_score)} points")
    if info is not None:
        text.append(f"   {target.name}/{lesson.id}/{info.file}", style="cyan")
    if exercise.status is Status.PASSED:
        text.append("\n  passes", style="green")
    elif exercise.first_problem is not None:
        text.append("\n")
        text.append_text(render.problem_text(lesson, exercise, indent="  "))
    if info is not None and exercise.status is not Status.PASSED:
        text.append(f"\n  stuck? learn hint {lesson.id} {info.name}", style="dim")
    return text


def screen(
    lesson: Lesson,
    target: Path,
    result: LessonResult | None,
    previous: LessonResult | None = None,
    run: Run | None = None,
    note: str = "",
    after: Lesson | None = None,
    took: float | None = None,
    saved: str | None = None,
) -> Group:
    """What `learn watch` shows: the lesson at a glance and the current exercise in full.

    `result` is the finished check (None while one runs); `previous` the last finished
    one; `run` the check in progress, whose focused exercise may already be known.
    """
    header = Text(f"learn watch · {lesson.id}: {lesson.title}", style="bold")
    parts: list = [header]
    base = result or previous
    shown: dict[str, tuple[Status, bool]] = {}
    if base is not None:
        shown = {e.name: (e.status, result is not None) for e in base.exercises()}
    focus_now = run.focus_result() if run is not None else None
    if focus_now is not None:
        shown[focus_now.name] = (focus_now.status, True)
    if base is not None and not base.error:
        passed = sum(1 for status, _ in shown.values() if status is Status.PASSED)
        line = _bar(passed, len(lesson.exercises))
        line.append(f"  {passed}/{len(lesson.exercises)} exercises")
        if result is not None:
            line.append(f" · {render.points(result.score, result.max_score)} points")
        parts += [line, _exercise_strip(lesson, shown), Text("")]
    if result is not None and result.error:
        parts.append(
            Text.assemble((f"{lesson.id} could not be checked: ", "bold red"), result.error)
        )
    elif result is not None and result.passed:
        parts.append(Text(f"✔ {lesson.id} passes: every exercise is done.", style="bold green"))
        if after is not None:
            parts.append(Text(f"Next: {after.id}, {after.title} (learn watch {after.id})"))
    elif result is not None:
        name = focus_after_save(lesson, result, {}, saved)
        exercise = next((e for e in result.exercises() if e.name == name), None)
        files = render.unloadable_files(lesson, result)
        if files is not None:
            parts.append(files)
        elif exercise is not None:
            parts.append(_focus_panel(lesson, exercise, target))
    elif focus_now is not None:  # its file may not load: say so here, not "see above"
        early = LessonResult(lesson.id, str(target), list(focus_now.tests))
        parts.append(
            render.unloadable_files(lesson, early) or _focus_panel(lesson, focus_now, target)
        )
    elif previous is not None and not previous.error:  # until the new verdict is in
        name = current_exercise(lesson, previous)
        exercise = next((e for e in previous.exercises() if e.name == name), None)
        if exercise is not None:
            parts.append(_focus_panel(lesson, exercise, target, stale=True))
    footer = Text("")
    if note:
        footer.append(f"\n{note}", style="yellow")
    if run is not None:
        what = "the rest of the lesson" if focus_now is not None else lesson.id
        footer.append(f"\n● checking {what}…", style="yellow")
    elif result is not None:
        seconds = f" in {took:.2f} s" if took is not None else ""
        footer.append(f"\n✔ checked at {time.strftime('%H:%M:%S')}{seconds}", style="dim")
    footer.append(f"\nwatching {target} for saved changes · h hint · l list · q quit", style="dim")
    parts.append(footer)
    return Group(*parts)


def _hint(course: Course, lesson: Lesson, result: LessonResult | None, statuses) -> str:
    from grader.loop import hints

    name = current_exercise(lesson, result, statuses)
    if name is None:
        return "every exercise passes: no hint needed"
    step = hints.next_hint(course, lesson, lesson.exercise(name))
    if not step.total:
        return f"{name} has no hints"
    return f"hint {step.seen} of {step.total} for {name}: {step.shown[-1]}"


def _list(course: Course, lesson: Lesson, result: LessonResult | None, statuses) -> str:
    if result is not None:
        statuses = result.statuses()
    return "\n".join(
        f"{render.STYLE[statuses[e.name]][0] if e.name in statuses else '· unchecked'}  "
        f"{e.name}  ({lesson.id}/{e.file})"
        for e in lesson.exercises
    )


KEYS = {"h": _hint, "l": _list}  # and q: quit


@contextlib.contextmanager
def _keyboard() -> Iterator[Callable[[], list[str]]]:
    """Keys as they are pressed, without Enter, while a terminal is the input (and none
    otherwise); the terminal is put back as it was."""
    stream = sys.stdin
    if stream is None or not stream.isatty():
        yield list
        return
    import termios
    import tty

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)
    tty.setcbreak(fd)

    def pressed() -> list[str]:
        keys = []
        while select.select([fd], [], [], 0)[0]:
            keys.append(os.read(fd, 1).decode("utf-8", "replace").lower())
        return keys

    try:
        yield pressed
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def watch(
    course: Course,
    lesson: Lesson,
    target: Path,
    *,
    console: Console,
    timeout: float = 10.0,
    changes: Iterable[set] | None = None,
    fork: bool = FORK_SUPPORTED,
    record: bool = True,
) -> int:
    """Check `lesson` now and again after every change; returns 0 when interrupted.

    `changes` yields a set of changed paths per saved change, or an empty set every
    TICK seconds (the default watches `target` with watchfiles); `record` keeps each
    result in the progress file.
    """
    ensure_torch(course, [lesson], say=console.print)
    runner = make_runner(course, lesson, fork=fork)
    after = _next_lesson(course, lesson)
    previous: LessonResult | None = None
    last = progress.last(course.root, lesson.id) if record else None
    statuses = progress.exercise_statuses(last)
    run: Run | None = None
    note = ""
    lost = 0
    saved: str | None = None

    def show(result: LessonResult | None, took: float | None = None) -> None:
        console.clear()
        console.print(screen(lesson, target, result, previous, run, note, after, took, saved))

    def start() -> Run:
        focus = focus_after_save(lesson, previous, statuses, saved)
        ident = runner.start(lesson, target, RunOptions(timeout), first=focus)
        return Run(ident, focus)

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous_handler = None
    with contextlib.suppress(ValueError):  # only the main thread may set handlers
        previous_handler = signal.signal(signal.SIGTERM, stop)
    with _keyboard() as pressed:
        try:
            run = start()
            show(None)
            for changed in changes if changes is not None else _file_changes(target):
                for key in pressed():
                    if key == "q":
                        raise KeyboardInterrupt
                    if key in KEYS:
                        note = KEYS[key](course, lesson, previous, statuses)
                        show(previous if run is None else None)
                if changed:
                    if run is not None:
                        runner.cancel()
                    moved, saved = lesson_of(course, target, changed)
                    if moved is not None and moved.id != lesson.id:  # a file of another lesson
                        runner.close()
                        lesson, after, previous = moved, _next_lesson(course, moved), None
                        last = progress.last(course.root, lesson.id) if record else None
                        statuses = progress.exercise_statuses(last)
                        ensure_torch(course, [lesson], say=console.print)
                        runner = make_runner(course, lesson, fork=fork)
                    run = start()
                    show(None)
                for event in runner.poll():
                    if run is None or event.get("id") not in (run.ident, None):
                        continue  # from a run a newer save made stale
                    kind = event.get("event")
                    if kind == "record":
                        run.take(event["record"])
                        if not run.shown_focus and run.focus_result() is not None:
                            run.shown_focus = True
                            show(None)
                    elif kind == "result":
                        result: LessonResult = event["result"]
                        took = time.monotonic() - run.started
                        run, note = None, ""
                        if not result.error:
                            previous = result
                            if record:
                                progress.record(course.root, result)
                        show(result, took)
                    elif kind == "error":
                        run, note = None, f"could not check {lesson.id}: {event.get('message')}"
                        show(None)
                    elif kind == "gone":  # the warm process died (killed by the learner's code?)
                        runner.close()
                        lost += 1
                        note = f"{event.get('message')}; started another"
                        runner = make_runner(course, lesson, fork=fork and lost < RESTARTS)
                        run = start()
                        show(None)
        except KeyboardInterrupt:
            pass
        finally:
            runner.close()
            if previous_handler is not None:
                signal.signal(signal.SIGTERM, previous_handler)
    console.print(Text("stopped watching", style="dim"))
    return 0


def _file_changes(target: Path) -> Iterator[set]:
    """A set of changed Python files per save, or an empty set every TICK seconds."""
    try:
        from watchfiles import PythonFilter
        from watchfiles import watch as watch_files
    except ImportError:
        raise CourseError(
            "learn watch needs the watchfiles package: pip install -e . in the course folder"
        ) from None

    yield from watch_files(
        target,
        watch_filter=PythonFilter(),
        step=30,
        rust_timeout=int(TICK * 1000),
        yield_on_timeout=True,
        raise_interrupt=True,
    )
