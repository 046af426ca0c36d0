"""The examiner's transport: the learner's code runs in one process, the tests in another.

Anything inside the process that runs a submission can be rewritten by it, so in
`learn grade` the submission is imported in a process of its own (the *sandbox*) that
only answers requests, while the tests, every comparison, status and score stay in the
grader's process (the *judge*). Between the two only data crosses, as JSON lines that
decode to exact built-in types, never a subclass and never anything with methods:

    None, bool, int, float, str, bytes, list, tuple, dict,
    tensors (dtype, shape, device and raw bytes, rebuilt by the receiver),
    exceptions (type name, message, and the learner's file and line).

Anything else stays where it lives and crosses as a handle (`Remote`): reading an
attribute of a handle, calling it or applying an operator to it is a request to the side
that owns the object. A judge's callable handed to the learner (an activation, `f` in
`gradients(f, ...)`) crosses the other way, so each side serves requests while it waits
for its own reply. The judge serves only calls and plain attribute reads on what it
handed over: the sandbox can never reach a judge's module, frame or global.

`python -m grader.remote READ_FD WRITE_FD FOLDER` serves a folder laid out like
exercises/ (the examiner starts it through its sandbox, see grader/examiner/boot.py).
"""

from __future__ import annotations

import base64
import builtins
import contextlib
import importlib
import json
import operator
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.testkit import ExerciseModule, import_fresh, learner_location, target_dir, theirs

KINDS = ("q", "t", "ok", "err")  # a question, a request told (no answer), two answers
MAX_MESSAGE = 64 << 20  # bytes in one message from the sandbox
POLL = 0.05  # seconds between looks at the sandbox's CPU clock while waiting
# The lesson's budget is looked at no more often than this: a look reads /proc, which
# would double the judge's cost of a round trip.
LESSON_CHECK = 0.02  # seconds
PRINTED = 8 << 10  # bytes of what a submission printed during a test, kept for its feedback
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
RELEASE_BATCH = 512  # handles the judge dropped, released in one request

# What a request may apply to handles: the operators and built-ins a test uses on objects
# that live in the sandbox. Reflected operators are the same function with the operands
# swapped, so Python's own rules (__add__, then __radd__) run where the objects are.
APPLY: dict[str, Callable[..., Any]] = {
    **{
        name: getattr(operator, name)
        for name in (
            "add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "neg", "pos",
            "lt", "le", "gt", "ge", "eq", "ne", "getitem", "setitem", "delitem", "contains",
            "index", "truth", "abs",
        )
    },
    **{name: getattr(builtins, name) for name in ("repr", "str", "len", "iter", "next", "float",
                                                   "int", "isinstance", "issubclass", "hash")},
}  # fmt: skip
BINARY = ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul")
COMPARE = ("lt", "le", "gt", "ge")
UNARY = ("neg", "pos", "abs")
# Exceptions rebuilt as themselves on the judge; any other crosses as a class named
# after it (so "MyError: message" reads the same), deriving from Exception only.
BUILTIN_ERRORS = {
    cls.__name__: cls
    for cls in (
        ArithmeticError, AssertionError, AttributeError, FileNotFoundError, ImportError,
        IndexError, KeyError, LookupError, MemoryError, ModuleNotFoundError, NameError,
        NotImplementedError, OSError, OverflowError, RecursionError, RuntimeError,
        StopIteration, TypeError, UnboundLocalError, ValueError, ZeroDivisionError,
    )
}  # fmt: skip


class ProtocolError(Exception):
    """The sandbox sent something that is not a message of this protocol."""

    learn_theirs = True  # only the submission's code can make its process do that


class SandboxDied(BaseException):
    """The submission's process ended (or was ended) during a request. A BaseException:
    code that catches Exception around a learner's call must not take it for the
    learner's error."""


class Gone(Exception):
    """A handle into a sandbox that has since been restarted."""

    learn_theirs = True  # the submission's process died or hung in an earlier test


# ----------------------------------------------------------------------------- codec


class Link:
    """One side of the conversation: its own exported objects, the codec, and the
    request loop in which it serves the other side while waiting for a reply."""

    def __init__(self, read: Callable[[], list], write: Callable[[list], None]) -> None:
        self._read = read
        self._write = write
        self._exported: dict[int, Any] = {}  # our objects the other side holds, by number
        self._numbers: dict[int, int] = {}  # id(object) -> number
        self.generation = 0
        self._count = 0  # numbers are never reused: a released one may still be in flight
        self._proxies: weakref.WeakValueDictionary[int, Remote] = weakref.WeakValueDictionary()
        self._failed_tell: dict | None = None  # a told request that failed, not yet reported

    # -- what may cross

    def encode(self, value: Any) -> Any:
        kind = type(value)
        if value is None or kind in (bool, int, float, str):
            return value
        if kind is list:
            return [self.encode(v) for v in value]
        if kind is tuple:
            return {"t": [self.encode(v) for v in value]}
        if kind is dict:
            return {"d": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if kind is bytes:
            return {"b": base64.b64encode(value).decode()}
        if isinstance(value, Remote):
            if value._link is not self or value._generation != self.generation:
                raise Gone("this object belonged to a process of the submission that ended")
            return {"p": value._number}
        tensor = _tensor_data(value)
        if tensor is not None:
            return {"T": tensor}
        return {"h": self.export(value), "c": _typename(value)}

    def decode(self, data: Any) -> Any:
        if data is None or type(data) in (bool, int, float, str):
            return data
        if type(data) is list:
            return [self.decode(v) for v in data]
        if type(data) is not dict or (len(data) != 1 and set(data) != {"h", "c"}):
            raise ProtocolError(f"not a value: {str(data)[:80]}")
        (tag, body), *_ = data.items()
        if tag == "t":
            return tuple(self.decode(v) for v in _list(body))
        if tag == "d":
            pairs = [(self.decode(k), self.decode(v)) for k, v in map(_pair, _list(body))]
            try:
                return dict(pairs)
            except TypeError:  # a key that cannot be one (a list)
                raise ProtocolError("a dict with an unhashable key") from None
        if tag == "b":
            return base64.b64decode(_str(body), validate=True)
        if tag == "T":
            return _tensor_from(body)
        if tag == "h":  # one proxy per object, so that it is released only once
            number = _int(body)
            proxy = self._proxies.get(number)
            if proxy is None:
                proxy = self._proxies[number] = Remote(self, number, _str(data["c"]))
            self.revived(number)
            return proxy
        if tag == "p":
            number = _int(body)
            if number not in self._exported:
                raise ProtocolError(f"no object {number} was handed over")
            return self._exported[number]
        raise ProtocolError(f"unknown tag {tag!r}")

    def export(self, value: Any) -> int:
        number = self._numbers.get(id(value))
        if number is None:
            self._count += 1
            number = self._count
            self._exported[number] = value
            self._numbers[id(value)] = number
        return number

    def release(self, numbers: list[int]) -> None:
        for number in numbers:
            value = self._exported.pop(number, None)
            if value is not None:
                self._numbers.pop(id(value), None)

    # -- the conversation

    def ask(self, *request: Any) -> Any:
        """Send a request and wait for its answer, serving the other side meanwhile."""
        self._write(["q", [self.encode(r) for r in request]])
        while True:
            kind, body = _message(self._read())
            if kind == "q":
                self._write(self._answer(body))
            elif kind == "t":
                self._told(body)
            elif kind == "ok" and self._failed_tell is None:
                return self.decode(body)
            else:  # an error; or the call "succeeded" after a setattr of it failed here
                failed, self._failed_tell = self._failed_tell, None
                raise rebuild(body if kind == "err" else failed)

    # Whether this side sets attributes without waiting (see `tell`): the sandbox does,
    # since its code runs only inside a call of the judge's, which a failure then fails.
    tells = False

    def tell(self, *request: Any) -> None:
        """Send a request whose answer nobody waits for (setting an attribute: a training
        loop sets every parameter, and a round trip each was a third of its cost). Should
        it fail, the other side reports it in place of its next answer to this side, or
        as the outcome of the call this side is answering."""
        self._write(["t", [self.encode(r) for r in request]])

    def _told(self, request: Any) -> None:
        answer = self._answer(request)
        if answer[0] == "err" and self._failed_tell is None:
            self._failed_tell = answer[1]

    # What an answer reports as an error rather than letting it end this side: the
    # sandbox reports everything it can catch (a learner's sys.exit() is their error);
    # the judge lets its own interrupts and timeouts through.
    answerable: tuple[type[BaseException], ...] = (Exception,)

    def _answer(self, request: Any) -> list:
        if self._failed_tell is not None:  # a told request failed: this is the first answer
            failed, self._failed_tell = self._failed_tell, None
            return ["err", failed]
        try:
            op, *args = (self.decode(part) for part in _list(request))
            return ["ok", self.encode(self.serve(_str(op), *args))]
        except ProtocolError:
            raise
        except self.answerable as exc:
            return ["err", describe(exc)]

    def serve(self, op: str, *args: Any) -> Any:  # pragma: no cover - each side has its own
        raise NotImplementedError

    def dropped(self, handle: Remote) -> None:
        """A proxy of ours died (the judge tells the sandbox; the sandbox keeps all)."""

    def revived(self, number: int) -> None:
        """An object whose proxy had died came back before its release was sent."""


def _list(value: Any) -> list:
    if type(value) is not list:
        raise ProtocolError("expected a list")
    return value


def _pair(value: Any) -> list:
    if type(value) is not list or len(value) != 2:
        raise ProtocolError("expected a pair")
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise ProtocolError("expected a string")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise ProtocolError("expected a number")
    return value


def _message(message: Any) -> tuple[str, Any]:
    if type(message) is not list or len(message) != 2 or message[0] not in KINDS:
        raise ProtocolError("not a message")
    return message[0], message[1]


def _typename(value: Any) -> str:
    kind = type(value)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _tensor_data(value: Any) -> list | None:
    """A plain tensor as [dtype, shape, device, requires_grad, bytes]; None for anything
    else. A tensor in an autograd graph stays where it is: its graph cannot cross."""
    torch = sys.modules.get("torch")
    if torch is None or type(value) is not torch.Tensor or value.grad_fn is not None:
        return None
    flat = value.detach().to("cpu").contiguous().reshape(-1)
    raw = flat.view(torch.uint8).numpy().tobytes() if flat.numel() else b""
    dtype = str(value.dtype).removeprefix("torch.")
    device = value.device.type
    return [dtype, list(value.shape), device, value.requires_grad, base64.b64encode(raw).decode()]


def _tensor_from(body: Any) -> Any:
    import torch

    dtype_name, shape, device, requires_grad, raw = _list(body)
    dtype = getattr(torch, _str(dtype_name), None)
    if not isinstance(dtype, torch.dtype) or _str(device) not in ("cpu", "cuda", "mps"):
        raise ProtocolError("not a tensor")
    shape = [_int(n) for n in _list(shape)]
    data = bytearray(base64.b64decode(_str(raw), validate=True))
    flat = torch.frombuffer(data, dtype=torch.uint8) if data else torch.empty(0, dtype=torch.uint8)
    # a tensor of its own, as the sender's was (not a view of the buffer: autograd tells)
    tensor = flat.view(dtype).reshape(shape).to(device, copy=True)
    return tensor.requires_grad_(True) if requires_grad is True else tensor


def describe(exc: BaseException) -> dict:
    """An exception as data: its type, its message, where in the learner's code, and
    whether their code is to blame (a test's own fault is reported as one)."""
    try:
        message = str(exc)
    except Exception:  # a message that cannot be shown is no message
        message = ""
    data = {"type": type(exc).__name__, "message": message, "where": learner_location(exc)}
    data["theirs"] = theirs(exc)
    if isinstance(exc, SyntaxError):
        data["syntax"] = [Path(exc.filename or "?").name, exc.lineno or 0, exc.msg or ""]
    return data


def rebuild(data: Any) -> Exception:
    """The exception `describe` made, as a judge-side exception that holds only data."""
    if type(data) is not dict:
        raise ProtocolError("not an error")
    name, message = _str(data.get("type")), _str(data.get("message", ""))
    if "syntax" in data:
        filename, line, text = _list(data["syntax"])
        exc: Exception = SyntaxError(_str(text), (_str(filename), _int(line), 0, ""))
    elif name in BUILTIN_ERRORS:
        exc = BUILTIN_ERRORS[name](message)
    else:
        exc = _named_error(name)(message)
    exc.learn_location = _str(data.get("where", ""))
    exc.learn_theirs = data.get("theirs") is True
    return exc


_NAMED: dict[str, type[Exception]] = {}


def _named_error(name: str) -> type[Exception]:
    """A stand-in class for a learner's own exception type, named like it."""
    name = name if name.isidentifier() else "Error"
    if name not in _NAMED:
        _NAMED[name] = type(name, (Exception,), {"__module__": "submission"})
    return _NAMED[name]


# ----------------------------------------------------------------------------- handles


class Remote:
    """An object that lives on the other side. Equality is identity: whatever the
    object's own `==` says never reaches a comparison of the judge's."""

    __slots__ = ("__weakref__", "_generation", "_link", "_names", "_number", "_type")

    def __init__(self, link: Link, number: int, typename: str) -> None:
        object.__setattr__(self, "_link", link)
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_type", typename)
        object.__setattr__(self, "_generation", link.generation)
        object.__setattr__(self, "_names", {})

    def _ask(self, *request: Any) -> Any:
        return self._link.ask(*request)

    def __getattr__(self, name: str) -> Any:
        if name in ("__name__", "__qualname__"):  # read for every message: asked once
            if name not in self._names:
                self._names[name] = self._ask("getattr", self, name)
            return self._names[name]
        if name.startswith("__"):  # probes by pytest, copy, pickle, inspect: not for them
            raise AttributeError(name)
        return self._ask("getattr", self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if self._link.tells:
            self._link.tell("setattr", self, name, value)
        else:
            self._ask("setattr", self, name, value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ask("call", self, args, kwargs)

    def __repr__(self) -> str:
        try:
            return self._ask("apply", "repr", self)
        except Exception:
            return f"<{self._type} object>"

    def __str__(self) -> str:
        return self._ask("apply", "str", self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Remote) and (other._link, other._number) == (
            self._link,
            self._number,
        )

    def __hash__(self) -> int:
        return hash((id(self._link), self._number))

    def __bool__(self) -> bool:
        return self._ask("apply", "truth", self)

    def __len__(self) -> int:
        return self._ask("apply", "len", self)

    def __iter__(self):
        iterator = self._ask("apply", "iter", self)
        while True:
            try:
                yield iterator._ask("apply", "next", iterator)
            except StopIteration:
                return

    def __getitem__(self, key: Any) -> Any:
        return self._ask("apply", "getitem", self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._ask("apply", "setitem", self, key, value)

    def __contains__(self, item: Any) -> bool:
        return self._ask("apply", "contains", self, item)

    def __float__(self) -> float:
        return self._ask("apply", "float", self)

    def __int__(self) -> int:
        return self._ask("apply", "int", self)

    def __index__(self) -> int:
        return self._ask("apply", "index", self)

    def __instancecheck__(self, obj: Any) -> bool:
        return self._ask("apply", "isinstance", obj, self)

    def __subclasscheck__(self, cls: Any) -> bool:
        return self._ask("apply", "issubclass", cls, self)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """torch.<fn>(handle, ...) runs where the handle's tensor is."""
        import torch.overrides

        link = next(a._link for a in (*args, *(kwargs or {}).values()) if isinstance(a, Remote))
        return link.ask("torch", torch.overrides.resolve_name(func), args, kwargs or {})

    def __del__(self) -> None:
        try:  # noqa: SIM105 - suppress() costs more than the call, once per handle
            self._link.dropped(self)
        except Exception:
            pass


def _binary(name: str, reflected: bool):
    def method(self: Remote, other: Any) -> Any:
        operands = (other, self) if reflected else (self, other)
        return self._ask("apply", name, *operands)

    return method


def _unary(name: str):
    def method(self: Remote) -> Any:
        return self._ask("apply", name, self)

    return method


for _name in BINARY:
    setattr(Remote, f"__{_name}__", _binary(_name, False))
    setattr(Remote, f"__r{_name}__", _binary(_name, True))
for _name in COMPARE:
    setattr(Remote, f"__{_name}__", _binary(_name, False))
for _name in UNARY:
    setattr(Remote, f"__{_name}__", _unary(_name))


# ----------------------------------------------------------------------------- sandbox


class Server(Link):
    """The sandbox's side: imports the submission and answers the judge's requests."""

    answerable = (BaseException,)
    tells = True

    def __init__(self, read_fd: int, write_fd: int) -> None:
        reader = os.fdopen(read_fd, "rb")
        writer = os.fdopen(write_fd, "wb")

        def read() -> list:
            line = reader.readline()
            if not line:
                raise SystemExit(0)  # the judge is gone
            return json.loads(line)

        def write(message: list) -> None:
            writer.write(json.dumps(message).encode() + b"\n")
            writer.flush()

        super().__init__(read, write)

    def serve(self, op: str, *args: Any) -> Any:
        if op == "import":
            return _import(*args)
        if op == "getattr":
            return getattr(args[0], args[1])
        if op == "setattr":
            return setattr(args[0], args[1], args[2])
        if op == "call":
            return args[0](*args[1], **args[2])
        if op == "apply":
            return APPLY[args[0]](*args[1:])
        if op == "torch":
            return _torch_function(args[0])(*args[1], **args[2])
        if op == "ship":
            namespace: dict[str, Any] = {"__name__": "judge_shipped"}
            exec(compile(args[0], "<shipped by the tests>", "exec"), namespace)
            return namespace[args[1]]
        if op == "release":
            return self.release(args[0])
        raise ValueError(f"unknown request {op!r}")

    def loop(self) -> None:
        while True:
            kind, body = _message(self._read())
            if kind == "t":
                self._told(body)
            elif kind == "q":
                self._write(self._answer(body))
            else:
                raise ProtocolError("an answer with no question")


def _import(name: str, stand_ins: dict[str, str] | None = None) -> Any:
    """The learner's module; with `stand_ins`, imported anew with the modules they name
    (the grader's own, imported here) standing for the learner's modules they key."""
    if not stand_ins:
        return ExerciseModule(name)._module()
    return import_fresh(name, {key: importlib.import_module(m) for key, m in stand_ins.items()})


def _torch_function(name: str) -> Callable[..., Any]:
    import torch

    owner: Any = torch
    for part in name.removeprefix("torch.").split("."):
        owner = getattr(owner, part)
    return owner


def serve(read_fd: int, write_fd: int, folder: str) -> None:
    """Answer the judge until it hangs up (the examiner calls this once shut in)."""
    os.environ["LEARN_TARGET"] = folder
    sys.path.insert(0, folder)
    Server(read_fd, write_fd).loop()


# ----------------------------------------------------------------------------- judge


class Sandbox(Link):
    """The judge's side: a process that serves the submission, started on the first
    request and again after it dies; a per-test budget of its CPU time.

    `command` starts it, with "{read}" and "{write}" standing for the two pipe ends it
    gets; `cleanup(pid)` kills whatever it left (the examiner's sandbox knows how)."""

    def __init__(
        self,
        command: list[str],
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        cleanup: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(self._receive, self._send)
        self.command, self.env, self.cwd, self.cleanup = command, env, cwd, cleanup
        self.process: subprocess.Popen | None = None
        self._buffer = b""
        self._dropped: list[int] = []
        self._modules: dict[str, Remote] = {}
        self._attributes: dict[tuple[int, str], Any] = {}  # of the modules, read once
        self._shipped: dict[Callable[..., Any], Remote] = {}  # test functions sent over
        self.cpu_limit = 0.0  # seconds of the sandbox's CPU time per test; 0: none
        self._cpu_start = 0.0
        self.lesson_limit = 0.0  # seconds of CPU time for all the tests; 0: none
        self._began: float | None = None
        self._cpu_spent = 0.0  # by the sandbox processes that have ended
        self._base_cpu = 0.0  # the running one's, once it was up
        self._next_check = 0.0  # monotonic time of the next look at the lesson's budget
        self._printed_from = 0  # where in its output the test's printing began

    # -- process

    def _start(self) -> None:
        to_child, from_judge = os.pipe()
        to_judge, from_child = os.pipe()
        fds = {"{read}": str(to_child), "{write}": str(from_child)}
        self._output = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(
            [fds.get(part, part) for part in self.command],
            stdin=subprocess.DEVNULL, stdout=self._output, stderr=subprocess.STDOUT,
            pass_fds=(to_child, from_child), env=self.env, cwd=self.cwd,
            start_new_session=True,
        )  # fmt: skip
        os.close(to_child)
        os.close(from_child)
        self._in, self._out = to_judge, from_judge
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._in, selectors.EVENT_READ)
        self._buffer = b""
        self._cpu_start = 0.0
        self._printed_from = 0
        self._ask_safely("apply", "repr", None)  # up: a test's time starts now
        self._cpu_start = self._base_cpu = self._cpu()

    def stop(self, grace: float = 0.0) -> str:
        """End the sandbox process and all it started (after `grace` seconds to exit
        on its own); what it printed last."""
        if self.process is None:
            return ""
        self._cpu_spent += self._cpu() - self._base_cpu
        process, self.process = self.process, None
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        code = process.wait()
        if self.cleanup is not None:
            self.cleanup(process.pid)
        self._selector.close()
        for fd in (self._in, self._out):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.generation += 1
        self._modules.clear()
        self._attributes.clear()
        self._shipped.clear()
        self._proxies.clear()
        self._exported.clear()
        self._numbers.clear()
        self._dropped.clear()
        self._failed_tell = None
        self._output.seek(0)
        tail = self._output.read()[-4000:].decode("utf-8", "replace").strip().splitlines()
        self._output.close()
        how = f"killed by signal {-code}" if code < 0 else f"exited with code {code}"
        return how + (f": {tail[-1]}" if tail else "")

    def _cpu(self) -> float:
        """CPU seconds the sandbox process and its reaped children have used."""
        try:
            fd = os.open(f"/proc/{self.process.pid}/stat", os.O_RDONLY)
        except (OSError, AttributeError):
            return 0.0
        try:
            fields = os.read(fd, 4096).rsplit(b")", 1)[1].split()
            return sum(int(n) for n in fields[11:15]) / CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return 0.0
        finally:
            os.close(fd)

    def _lesson_over(self) -> bool:
        """The lesson's limit is CPU time of all its sandbox processes, and as much wall
        time as a test's CPU limit allows (a sleeper uses none, but time all the same)."""
        now = time.monotonic()
        self._began = self._began or now
        if not self.lesson_limit or now < self._next_check:
            return False
        self._next_check = now + LESSON_CHECK
        from grader.runner import wall_limit

        spent = self._cpu_spent + (self._cpu() - self._base_cpu if self.process else 0.0)
        late = now - self._began > wall_limit(self.lesson_limit, "cpu")
        return spent > self.lesson_limit or late

    def new_test(self, cpu_limit: float) -> None:
        """A test begins: its CPU budget starts now, and what it prints from here on."""
        self.cpu_limit = cpu_limit
        self._cpu_start = self._cpu() if self.process is not None else 0.0
        self._printed_from = os.fstat(self._output.fileno()).st_size if self.process else 0

    def printed(self) -> str:
        """What the submission printed since the test began (its first PRINTED bytes),
        for the learner's feedback as `learn check` shows it: text, never a verdict."""
        if self.process is None:
            return ""
        fd = self._output.fileno()
        size = os.fstat(fd).st_size - self._printed_from
        return os.pread(fd, min(size, PRINTED), self._printed_from).decode("utf-8", "replace")

    # -- transport

    def ask(self, *request: Any) -> Any:
        if self._lesson_over():
            from grader.plugin import TestTimeout

            self.stop()
            raise TestTimeout(f"the lesson's time limit ({self.lesson_limit:g} s) ran out")
        if self.process is None:
            self._start()
        if len(self._dropped) >= RELEASE_BATCH:
            dropped, self._dropped = self._dropped, []
            self._ask_safely("release", dropped)
        return self._ask_safely(*request)

    def _ask_safely(self, *request: Any) -> Any:
        try:
            return super().ask(*request)
        except ProtocolError as exc:
            how = self.stop()
            raise SandboxDied(
                f"the submission's process broke the protocol ({exc}); {how}"
            ) from None
        except SandboxDied as exc:
            how = self.stop(grace=1.0)
            raise SandboxDied(f"{exc} ({how})") from None
        except Exception:  # an answer: the learner's error, or one of the judge's own
            raise
        except BaseException:  # a timeout, an interrupt: the conversation is lost
            self.stop()
            raise

    def _send(self, message: list) -> None:
        data = json.dumps(message).encode() + b"\n"
        try:
            while data:
                data = data[os.write(self._out, data) :]
        except OSError:
            raise SandboxDied("the submission's process ended") from None

    def _receive(self) -> list:
        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_MESSAGE:
                raise ProtocolError("a message too long")
            self._wait_readable()
            chunk = os.read(self._in, 1 << 16)
            if not chunk:
                raise SandboxDied("the submission's process ended")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            return json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(f"not JSON: {exc}") from None

    def _wait_readable(self) -> None:
        while not self._selector.select(timeout=POLL):
            if self.cpu_limit and self._cpu() - self._cpu_start > self.cpu_limit:
                from grader.plugin import TestTimeout

                raise TestTimeout(
                    f"used {self.cpu_limit:g} s of CPU time: is there an endless loop?"
                )

    def dropped(self, handle: Remote) -> None:
        if handle._generation == self.generation:
            self._dropped.append(handle._number)

    def revived(self, number: int) -> None:
        if number in self._dropped:
            self._dropped.remove(number)

    # -- what the judge serves on what it handed over (a callback, an object of the tests):
    # calls, operators and public attributes; never a name with an underscore, so
    # nothing leads from there to a module, a frame or a global of the judge

    def serve(self, op: str, *args: Any) -> Any:
        if op == "call":
            return args[0](*args[1], **args[2])
        if op == "apply" and args[0] in APPLY:
            return APPLY[args[0]](*args[1:])
        if op in ("getattr", "setattr") and type(args[1]) is str and not args[1].startswith("_"):
            return getattr(args[0], args[1]) if op == "getattr" else setattr(*args[:3])
        raise PermissionError(f"the tests do not answer {op!r} requests")

    def module(self, name: str, stand_ins: dict[str, str] | None = None) -> Remote:
        """The learner's module `name`, imported there (see `_import` for `stand_ins`)."""
        key = f"{name} with {stand_ins}" if stand_ins else name
        if key not in self._modules:
            self._modules[key] = self.ask("import", name, *([stand_ins] if stand_ins else []))
        return self._modules[key]

    def lookup(self, module: Remote, name: str) -> Any:
        """An attribute of a learner's module, read once per sandbox process: the tests
        grade what the module defines, and each call no longer costs a second request."""
        key = (module._number, name)
        if key not in self._attributes:
            self._attributes[key] = getattr(module, name)
        return self._attributes[key]

    def run(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run a function of the tests' own inside the sandbox (a loop too long to
        drive call by call); only what it returns comes back, as data or handles. Each
        run is one call."""
        return self.shipped(function)(*args, **kwargs)

    def shipped(self, function: Callable[..., Any]) -> Remote:
        """A function of the tests' own, made inside the sandbox from its source, which
        crosses once per sandbox process."""
        shipped = self._shipped.get(function)
        if shipped is None:
            import inspect
            import textwrap

            source = textwrap.dedent(inspect.getsource(function))
            shipped = self._shipped[function] = self.ask("ship", source, function.__name__)
        return shipped


def from_spec(spec: str) -> Sandbox:
    """LEARN_REMOTE: "local" (another process on the graded folder), else the JSON the
    examiner writes: the command, its environment and folder, and what to clean up."""
    if spec == "local":
        return local(target_dir())
    config = json.loads(spec)
    from grader.examiner.processes import become_subreaper, job_cleanup, undumpable

    undumpable()  # a sandbox of the same user must not read this process's memory
    become_subreaper(True)  # what a sandbox leaves comes back here to be killed
    place = Sandbox(
        config["command"],
        env=config["env"],
        cwd=config["cwd"],
        cleanup=job_cleanup(config["cleanup"]),
    )
    place.lesson_limit = config.get("lesson_limit", 0.0)
    return place


def local(folder: Path) -> Sandbox:
    """A sandbox that is only another process (tests of the transport, `learn dev verify`)."""
    command = [sys.executable, "-m", "grader.remote", "{read}", "{write}", str(folder)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return Sandbox(command, env=env, cwd=str(folder))


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
