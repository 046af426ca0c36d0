"""The examiner's pytest plugin: loaded next to grader.plugin, only by `learn grade`.

The submission runs in the same process as the tests, so nothing in here is beyond
its reach; the plugin makes the usual ways of faking a grade leave a mark:

- after collection it takes a snapshot of the machinery that turns a test into a
  record (pytest's hook implementations and report classes, pluggy's hook caller,
  grader.plugin's functions, its channel and the pipe behind it, json.dumps) and
  compares it before and after every test; any change is reported as a `tamper`
  record, and the grader forfeits the lesson's results;
- when the sandbox runs the submission as its own user, it kills every other process
  of that user after each test, so nothing a test started lives on into the next;
- in the trusted collection it reports which accelerators the machine has.

See docs/instructors.md, "What the examiner defends against".
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys

import pytest

_snapshot: dict | None = None
_emit_original = None
_stray_uid: int | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("learn-examiner", "learn grade's examiner")
    group.addoption("--learn-stray-uid", type=int, help="kill this user's other processes")
    group.addoption("--learn-devices", action="store_true", help="report the accelerators")


def pytest_configure(config: pytest.Config) -> None:
    global _emit_original, _stray_uid
    from grader import plugin

    _emit_original = plugin._emit
    uid = config.getoption("learn_stray_uid")
    # Never as root, never as anyone but the dedicated user: kill(-1) means everything.
    if uid and uid == os.getuid() == os.geteuid() and uid != 0:
        _stray_uid = uid


def _fingerprint(config: pytest.Config) -> dict:
    import _pytest.reports
    import _pytest.runner
    import pluggy

    from grader import plugin

    pm = config.pluginmanager
    hooks = {}
    for name in dir(pm.hook):
        caller = getattr(pm.hook, name, None)
        if name.startswith("pytest_") and hasattr(caller, "get_hookimpls"):
            hooks[name] = tuple(
                (impl.plugin_name, id(impl.function)) for impl in caller.get_hookimpls()
            )
    stream = plugin._stream
    try:
        st = os.fstat(stream.fileno())
        channel = (id(stream), st.st_ino, st.st_dev, vars(stream).get("write") is None)
    except (AttributeError, OSError, ValueError, TypeError):
        channel = ("no channel" if stream is None else "broken", id(stream))
    report_cls = _pytest.reports.TestReport
    watched = {
        "TestReport": id(report_cls),
        "TestReport.dict": tuple(sorted((k, id(v)) for k, v in vars(report_cls).items())),
        "BaseReport.dict": tuple(
            sorted((k, id(v)) for k, v in vars(_pytest.reports.BaseReport).items())
        ),
        "CallInfo.from_call": id(vars(_pytest.runner.CallInfo)["from_call"]),
        "runner": tuple(
            id(getattr(_pytest.runner, n, None))
            for n in (
                "call_and_report",
                "runtestprotocol",
                "call_runtest_hook",
                "check_interactive_exception",
            )
        ),
        "hookexec": (id(pm._inner_hookexec), id(pluggy.HookCaller.__call__)),
        "plugin": tuple(
            (k, id(v)) for k, v in sorted(vars(plugin).items()) if callable(v) or k == "_stream"
        ),
        "examiner": tuple((k, id(v)) for k, v in sorted(globals().items()) if callable(v)),
        "modules": (id(sys.modules.get("grader.plugin")), id(sys.modules.get(__name__))),
        "json": (id(json.dumps), id(os.write), id(os.getpid)),
    }
    return {"hooks": hooks, "channel": channel, **watched}


def _check(config: pytest.Config, when: str) -> None:
    global _snapshot
    if _snapshot is None:
        return
    try:
        now = _fingerprint(config)
    except Exception as exc:  # a broken introspection is itself a change
        now = {"error": repr(exc)}
    changed = sorted(k for k in set(_snapshot) | set(now) if _snapshot.get(k) != now.get(k))
    if changed:
        _snapshot = now  # report each change once
        record = {"event": "tamper", "when": when, "changed": changed}
        try:
            _emit_original(record)
        except Exception:
            os._exit(70)  # the channel itself is gone: end here rather than go on unseen


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    global _snapshot
    if session.config.getoption("learn_devices"):
        from grader import plugin

        _emit_original({"event": "devices", "devices": plugin.available_devices()})
    _snapshot = _fingerprint(session.config)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_logstart(nodeid: str, location: tuple) -> None:
    _check(_config, f"before {nodeid}")


@pytest.hookimpl(trylast=True)
def pytest_runtest_logfinish(nodeid: str, location: tuple) -> None:
    _check(_config, f"after {nodeid}")
    if _stray_uid is not None and os.getuid() == _stray_uid:
        with contextlib.suppress(OSError):
            os.kill(-1, signal.SIGKILL)  # every other process of the sandbox's own user


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    _check(session.config, "at the end")


_config: pytest.Config | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    global _config
    _config = session.config
