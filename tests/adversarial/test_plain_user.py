"""The attack suite as a plain user: test_adversarial.py and test_lesson1.py, run again
as `nobody` beside the root run (conftest.py), pass with that mode's expectations."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from as_plain_user import written
from test_adversarial import CASES


def test_every_case_as_a_plain_user(plain_user_run):
    if plain_user_run is None:
        pytest.skip("needs root to become a plain user (as a plain user, the suite is this run)")
    status = written(plain_user_run / "rc", 1800)
    log = (plain_user_run / "log.txt").read_text(errors="replace")[-6000:]
    assert status == 0, log
    cases = list(ET.parse(plain_user_run / "junit.xml").getroot().iter("testcase"))
    failed = [
        f"{case.get('name')}: {(bad.get('message') or '')[:300]}"
        for case in cases
        for bad in case
        if bad.tag in ("failure", "error", "skipped")
    ]
    assert failed == [], log
    assert len(cases) >= 2 * len(CASES), log
