"""Finding the course and reading its catalogue."""

from __future__ import annotations

import pytest

from grader import course as course_mod
from grader.course import CourseError, find_root, slugify


def test_root_is_found_from_any_folder_inside(toy):
    nested = toy.root / "exercises" / "toy"
    nested.mkdir(parents=True)
    assert find_root(nested) == toy.root.resolve()


def test_outside_a_course_is_a_clear_error(tmp_path):
    with pytest.raises(CourseError, match="not inside a course"):
        find_root(tmp_path)


def test_catalogue_lists_lessons_and_exercises_in_order(toy):
    course = course_mod.load(toy.root)
    lesson = course.lesson("toy")
    assert [e.name for e in lesson.exercises] == ["double", "halve"]
    assert lesson.exercise("double").hints == ("Multiply by two.", "`return 2 * x`")
    assert lesson.exercise("double").objects == ("double",)
    assert lesson.section_link("Doubling") == "lessons/toy/#doubling"


def test_unknown_lesson_names_the_known_ones(toy):
    course = course_mod.load(toy.root)
    with pytest.raises(CourseError, match=r"unknown lesson 'nope'.*toy"):
        course.lesson("nope")


@pytest.mark.parametrize(
    "text", ["not toml [", "[course]\ntitle = 'x'\n", "[[lessons]]\nid = 'a'\n"]
)
def test_a_broken_catalogue_is_a_clear_error(tmp_path, text):
    (tmp_path / "course.toml").write_text(text)
    with pytest.raises(CourseError, match="not a valid catalogue"):
        course_mod.load(tmp_path)


LIMITED = "[course]\ntitle = 'x'\n[[lessons]]\nid = 'a'\ntitle = 'A'\npage = 'a.py'\n"


def test_a_lesson_may_say_which_limits_it_needs(tmp_path):
    (tmp_path / "course.toml").write_text(LIMITED + "[lessons.limits]\ntimeout = 30\n")
    (lesson,) = course_mod.load(tmp_path).lessons
    assert lesson.limits == (("timeout", 30),)
    for bad in ("timeout = -1", "seconds = 5", "memory_mb = 'lots'"):
        (tmp_path / "course.toml").write_text(LIMITED + f"[lessons.limits]\n{bad}\n")
        with pytest.raises(CourseError, match="limits takes positive numbers"):
            course_mod.load(tmp_path)


def test_the_real_catalogue_loads_with_six_lessons():
    course = course_mod.load()
    assert [lesson.id for lesson in course.lessons] == [f"lesson{n}" for n in range(1, 7)]
    assert course.lesson("3").id == "lesson3"
    for lesson in course.lessons:
        assert (course.root / lesson.page).is_file(), lesson.page
        assert all(e.hints for e in lesson.exercises), f"{lesson.id} has an exercise without hints"


@pytest.mark.parametrize(
    "title, slug",
    [
        ("One neuron", "one-neuron"),
        ("ReLU: the activation everyone uses", "relu-the-activation-everyone-uses"),
        ("exp, log and a stable softmax", "exp-log-and-a-stable-softmax"),
    ],
)
def test_slugify_matches_the_site_anchors(title, slug):
    assert slugify(title) == slug
