"""The examiner's transport (grader/remote.py): what crosses, what stays a handle, how
errors and a dying sandbox come back. A real sandbox process on a small folder."""

from __future__ import annotations

import textwrap

import pytest

from grader import plugin, remote, testkit

LEARNER = """
import time


class Box:
    def __init__(self, value):
        self.value = value

    def double(self):
        return Box(self.value * 2)

    def __add__(self, other):
        return Box(self.value + getattr(other, "value", other))


class Always(float):
    def __eq__(self, other):
        return True


def always():
    return Always(1.0)


def nudge(things, by):
    for thing in things:
        thing.weight -= by * thing.gradient
    return len(things)


def mark(thing):
    thing._private = 1
    return "marked"


def boom():
    raise ValueError("no good")


def spin():
    while True:
        pass


def leave():
    import os

    os._exit(3)


def inverse(x):
    return 1 / x
"""


@pytest.fixture
def place(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "mod.py").write_text(textwrap.dedent(LEARNER))
    sandbox = remote.local(tmp_path)
    yield sandbox
    sandbox.stop()


class Param:
    """A judge-side object the learner's code updates (as lesson 6's train does)."""

    def __init__(self, weight: float, gradient: float) -> None:
        self.weight, self.gradient = weight, gradient


def test_data_crosses_as_exact_types_and_objects_as_handles(place):
    mod = place.module("pkg.mod")
    box = mod.Box([1, (2, 3), {"a": b"x"}])
    assert isinstance(box, remote.Remote)
    assert box.value == [1, (2, 3), {"a": b"x"}]
    assert box.double().value == [1, (2, 3), {"a": b"x"}] * 2
    assert mod.Box(2) + 3 != 5  # a handle is not its value: equality is identity
    assert (mod.Box(2) + 3).value == 5


def test_a_subclass_of_a_builtin_never_crosses_as_one(place):
    got = place.module("pkg.mod").always()
    assert type(got) is remote.Remote
    assert (got == 2.0) is False


def test_a_learners_error_comes_back_as_data_with_its_place(place):
    with pytest.raises(ValueError, match="no good") as info:
        place.module("pkg.mod").boom()
    assert "mod.py" in info.value.learn_location


def test_attributes_set_from_the_sandbox_land_on_the_judges_objects(place):
    params = [Param(1.0, 0.5), Param(2.0, -1.0)]
    assert place.module("pkg.mod").nudge(params, 0.1) == 2
    assert [p.weight for p in params] == [0.95, 2.1]


def test_a_refused_attribute_fails_the_call_that_set_it(place):
    mod = place.module("pkg.mod")
    with pytest.raises(Exception, match="do not answer 'setattr'"):
        mod.mark(Param(1.0, 0.0))
    assert mod.nudge([Param(1.0, 1.0)], 1.0) == 1  # and nothing later


def test_module_attributes_and_names_are_read_once(place):
    mod = place.module("pkg.mod")
    first = place.lookup(mod, "boom")
    assert place.lookup(mod, "boom") is first
    assert first.__qualname__ == "boom" and first.__name__ == "boom"


def test_a_test_over_its_cpu_budget_times_out_and_the_next_starts_afresh(place):
    place.new_test(0.3)
    with pytest.raises(plugin.TestTimeout):
        place.module("pkg.mod").spin()
    place.new_test(5.0)
    assert place.module("pkg.mod").Box(4).value == 4


def test_a_sandbox_that_dies_is_reported_then_replaced(place):
    with pytest.raises(remote.SandboxDied, match="code 3"):
        place.module("pkg.mod").leave()
    assert place.module("pkg.mod").Box(1).value == 1


def test_a_handle_of_a_dead_sandbox_is_gone(place):
    box = place.module("pkg.mod").Box(1)
    place.stop()
    with pytest.raises(remote.Gone):
        place.module("pkg.mod").Box(box)


def inverse_there(module, x):
    """Shipped to the sandbox by the test below."""
    return module.inverse(x)


def test_cases_run_in_one_request_and_an_error_comes_in_its_turn(place, monkeypatch):
    monkeypatch.setattr(testkit, "sandbox", lambda: place)
    mod = place.module("pkg.mod")
    calls = []
    ask = place.ask
    monkeypatch.setattr(place, "ask", lambda *request: calls.append(request[0]) or ask(*request))
    assert list(testkit.run_each_there(inverse_there, [(mod, 4), (mod, 2)])) == [0.25, 0.5]
    assert calls.count("call") == 1  # every case in one request
    answers = testkit.run_each_there(inverse_there, [(mod, 4), (mod, 0), (mod, 2)])
    assert next(answers) == 0.25
    with pytest.raises(ZeroDivisionError) as info:  # the case that raised, run again alone
        next(answers)
    assert "mod.py" in info.value.learn_location
    assert calls.count("call") == 3
    with pytest.raises(ZeroDivisionError):  # one case alone: one request, no batch first
        next(testkit.run_each_there(inverse_there, [(mod, 0)]))
    assert calls.count("call") == 4
