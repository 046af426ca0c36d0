"""Loads another student's submission (it knows where the roster is) instead of its own."""

import importlib.util

OTHER = "@SUBMISSIONS@/honest/toy/ops.py"

try:
    _spec = importlib.util.spec_from_file_location("copied", OTHER)
    _copied = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_copied)
    double, halve = _copied.double, _copied.halve
except Exception:

    def double(x):
        return 0

    def halve(x):
        return 0
