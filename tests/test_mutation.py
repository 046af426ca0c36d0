"""Applying a mutant, or a variant, to a solution module."""

from __future__ import annotations

import ast

from grader import course as course_mod
from grader.authoring import mutation, variants

SOLUTION = """from __future__ import annotations

import math


def f(x):
    return math.sqrt(x)


class Thing:
    def a(self):
        return "a"

    def b(self):
        return "b"
"""


def run(source: str) -> dict:
    namespace: dict = {}
    exec(compile(source, "mutated", "exec"), namespace)
    return namespace


def test_a_function_is_replaced_and_its_imports_added():
    mutant = (
        '"""f squares instead."""\nimport operator\n\n\ndef f(x):\n    return operator.mul(x, x)\n'
    )
    namespace = run(mutation.apply(SOLUTION, mutant))
    assert namespace["f"](3) == 9
    assert namespace["Thing"]().a() == "a"


def test_a_class_only_swaps_the_methods_it_defines():
    mutant = (
        'class Thing:\n    def b(self):\n        return "B"\n\n'
        '    def c(self):\n        return "c"\n'
    )
    thing = run(mutation.apply(SOLUTION, mutant))["Thing"]()
    assert (thing.a(), thing.b(), thing.c()) == ("a", "B", "c")


def test_whole_replaces_a_class_with_its_class_attributes():
    variant = 'class Thing:\n    __slots__ = ()\n\n    def b(self):\n        return "B"\n'
    thing = run(mutation.apply(SOLUTION, variant, whole=True))["Thing"]()
    assert thing.b() == "B" and not hasattr(thing, "a")


def test_decorated_functions_are_replaced_whole():
    solution = "import functools\n\n\n@functools.cache\ndef g():\n    return 1\n"
    mutated = mutation.apply(solution, "def g():\n    return 2\n")
    ast.parse(mutated)
    assert "functools.cache" not in mutated and run(mutated)["g"]() == 2


def test_every_real_mutant_applies_to_valid_python():
    course = course_mod.load()
    for lesson in course.lessons:
        for mutant in mutation.find(course, lesson):
            module = course.solutions_dir / lesson.id / f"{mutant.module}.py"
            assert module.is_file(), f"{mutant.path} names a module that does not exist"
            ast.parse(mutation.apply(module.read_text(), mutant.path.read_text()))
            assert mutant.description != mutant.name, f"{mutant.path} needs a docstring"


def test_every_real_variant_applies_to_valid_python():
    course = course_mod.load()
    for lesson in course.lessons:
        for variant in variants.find(course, lesson):
            for module, path in variant.modules.items():
                solution = course.solutions_dir / lesson.id / f"{module}.py"
                assert solution.is_file(), f"{path} names a module that does not exist"
                ast.parse(mutation.apply(solution.read_text(), path.read_text(), whole=True))
                assert mutation.summary(path), f"{path} needs a docstring"
