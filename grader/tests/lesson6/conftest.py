"""Failures of the tests that grade training.py with the grader's lesson 5 say so."""

import pytest

from grader.tests.lesson5.graded_alone import note_failures


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    return (yield from note_failures(item))
