"""Failures of the tests that grade nn.py on the reference Value say so (see README.md)."""

import pytest

from grader.tests.lesson5.reference import note_failures


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    return (yield from note_failures(item))
