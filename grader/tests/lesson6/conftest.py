"""Failures of the tests that grade training.py on the reference lesson 5 say so."""

import pytest

from grader.tests.lesson5.reference import note_failures


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    return (yield from note_failures(item))
