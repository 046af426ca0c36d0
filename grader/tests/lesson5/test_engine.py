"""Lesson 5: the learner's `Value` (lesson5/engine.py), checked in float64 against the
forward-mode oracle of oracle.py (plain Python, so that the lesson runs in a browser too).

Every operator's value and gradients are compared with the oracle's on random inputs, with
Values, ints and floats on either side. Random expressions that reuse their inputs check
that gradients accumulate and that backward() walks a topological order. Classic worked
examples pin exact numbers, and a 100 000-node chain checks that backward never recurses.

PYTEST_DONT_REWRITE: the messages below are written for the learner as they are.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from grader.testkit import (
    Called,
    batched,
    call,
    exercise_module,
    expect_close,
    expect_raises,
    run_each_there,
    run_there,
    several,
    show,
)
from grader.tests.lesson5.oracle import Dual

engine = exercise_module("lesson5.engine")

pytestmark = pytest.mark.exercise("Value")

# A correct engine may compute in another order or form (tanh through exp, a / b as
# a * b**-1): far more than float64 rounds off, far less than any wrong derivative.
REL, ABS = 1e-7, 1e-9

BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}
REFLECTED = {"+": "__radd__", "-": "__rsub__", "*": "__rmul__", "/": "__rtruediv__"}


def close(got: float, expected: float, rel: float = REL, abs: float = ABS) -> bool:
    return isinstance(got, int | float) and math.isclose(got, expected, rel_tol=rel, abs_tol=abs)


def expect_value(got: object, text: str) -> None:
    assert isinstance(got, engine.Value), (
        f"{text}\n  expected a Value\n  got      {show(got)} ({type(got).__name__})"
    )


def expect_grad(name: str, got: float, expected: float, text: str) -> None:
    assert close(got, expected), f"{text}\n  {name}.grad: expected {expected!r}\n  got      {got!r}"


# --- one operation at a time --------------------------------------------------------------

reals = st.floats(min_value=-10, max_value=10, allow_nan=False)
small_ints = st.integers(min_value=-10, max_value=10)
KINDS = {"Value": reals, "float": reals, "int": small_ints}
OPERANDS = [
    ("Value", "Value"),
    ("Value", "int"),
    ("Value", "float"),
    ("int", "Value"),
    ("float", "Value"),
]


def nonzero(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return strategy.filter(lambda x: abs(x) >= 0.1)


@pytest.mark.section("Local derivatives and the chain rule")
@pytest.mark.parametrize("symbol", list(BINARY))
@pytest.mark.parametrize("left, right", OPERANDS, ids=[f"{a}-{b}" for a, b in OPERANDS])
@batched
@given(data=st.data())
def test_binary_operator_value_and_gradients(symbol, left, right, data):
    divisor = nonzero(KINDS[right]) if symbol == "/" else KINDS[right]
    pairs = data.draw(several(st.tuples(KINDS[left], divisor)), label="pairs a, b")
    reflected = None if left == "Value" else REFLECTED[symbol]
    operands = [[(left, a), (right, b)] for a, b in pairs]
    expect_operations(f"{{0}} {symbol} {{1}}", operands, reflected)


@dataclass
class Operated:
    """What `operate` saw where the learner's code runs: data only."""

    is_value: bool
    shown: str  # the result as the learner's code shows it, when it is not a Value
    data: float | None
    grads: list  # each Value operand's grad after backward(), None for a number


def operate(value: type, form: str, operands: list) -> tuple:
    """Runs where the learner's code does (a case of one request, not a request per
    operation): a ("Value", x) operand becomes value(x), a number stays one; then the
    operation `form` ("{0} * {1}", "{0}.tanh()", "{0} ** 2", ...) on them, then backward()."""
    made = [value(x) if kind == "Value" else x for kind, x in operands]
    out = eval(form.format("x[0]", "x[1]"), {"x": made})
    if not isinstance(out, value):
        return False, f"{out!r} ({type(out).__name__})", None, []
    data = out.data
    out.backward()
    return True, "", data, [m.grad if isinstance(m, value) else None for m in made]


def expect_operations(form: str, cases: list, reflected: str | None = None) -> None:
    """Every case (a list of operands) through `form` against the oracle, in order, all
    in one request: the first wrong one fails the test. A TypeError from a number on the
    left of a Value names the `reflected` method that handles it."""
    answers = run_each_there(operate, [(engine.Value, form, operands) for operands in cases])
    for operands in cases:
        try:
            got = next(answers)
        except TypeError as exc:
            if reflected is None:
                raise
            raise AssertionError(
                f"{written(form, operands)} raised TypeError: {exc}\n"
                f"  a number on the left of a Value is handled by Value.{reflected}"
            ) from None
        expect_operated(got, form, operands)


def written(form: str, operands: list) -> str:
    """The operation as code, its Values named: "a = Value(2.0); a * 3"."""
    named = list(zip("ab", operands, strict=False))
    lines = [f"{n} = Value({x!r})" for n, (kind, x) in named if kind == "Value"]
    code = form.format(*(n if kind == "Value" else repr(x) for n, (kind, x) in named))
    return "; ".join([*lines, code])


def expect_operated(got: tuple, form: str, operands: list) -> None:
    """`operate`'s answer against the oracle's: the data, and the grad of every Value."""
    result = Operated(*got)
    text = written(form, operands)
    assert result.is_value, f"{text}\n  expected a Value\n  got      {result.shown}"
    duals = Dual.inputs([x for _, x in operands])  # derivatives by each operand in turn
    made = [dual if kind == "Value" else x for dual, (kind, x) in zip(duals, operands, strict=True)]
    expected = eval(form.format("x[0]", "x[1]"), {"x": made})
    assert close(result.data, expected.x), (
        f"{text}\n  expected data {expected.x!r}\n  got      {result.data!r}"
    )
    for name, grad, slope in zip("ab", result.grads, expected.d, strict=False):
        if grad is not None:
            expect_grad(name, grad, slope, f"{text}, then backward()")


UNARY = ["-{0}", "{0}.relu()", "{0}.tanh()", "{0}.exp()"]


@pytest.mark.section("Local derivatives and the chain rule")
@pytest.mark.parametrize("form", UNARY, ids=[form.format("v") for form in UNARY])
@batched
@given(xs=several(reals.filter(lambda x: abs(x) > 1e-9)))
def test_unary_operation_value_and_gradient(form, xs):
    expect_operations(form, [[("Value", x)] for x in xs])


# (exponent, bases it is defined for)
POWERS = [
    (2, reals),
    (3, reals),
    (0, nonzero(reals)),
    (1, reals),
    (-1, nonzero(reals)),
    (-2, nonzero(reals)),
    (2.0, reals),
    (0.5, st.floats(min_value=0.1, max_value=10)),
    (1.5, st.floats(min_value=0.1, max_value=10)),
    (-0.5, st.floats(min_value=0.1, max_value=10)),
]


@pytest.mark.section("Local derivatives and the chain rule")
@pytest.mark.parametrize("k, bases", POWERS, ids=[repr(k) for k, _ in POWERS])
@batched
@given(data=st.data())
def test_power_value_and_gradient(k, bases, data):
    xs = data.draw(several(bases), label="xs")
    expect_operations(f"{{0}} ** {k!r}", [[("Value", x)] for x in xs])


# --- the Value itself ---------------------------------------------------------------------


def test_data_is_a_float_and_grad_starts_at_zero():
    v = call(engine.Value, 3)
    assert isinstance(v.value.data, float) and v.value.data == 3.0, (
        f"{v.text}.data\n  expected the float 3.0\n  got      {v.value.data!r}"
    )
    assert isinstance(v.value.grad, float) and v.value.grad == 0.0, (
        f"{v.text}.grad\n  expected the float 0.0\n  got      {v.value.grad!r}"
    )


def test_constructor_takes_children_and_op():
    a, b = engine.Value(1.0), engine.Value(2.0)
    expect_close(call(lambda: engine.Value(3.0, (a, b), "+").data), 3.0)
    expect_close(call(lambda: engine.Value(3.0, _children=(a,), _op="exp").data), 3.0)


def test_operations_make_new_values_and_leave_their_inputs_alone():
    a, b = engine.Value(2.0), engine.Value(5.0)
    out = a * b + a - b / a
    expect_value(out, "a * b + a - b / a")
    assert out is not a and out is not b, "a * b + a - b / a returned one of its inputs"
    assert (a.data, b.data, a.grad, b.grad) == (2.0, 5.0, 0.0, 0.0), (
        "a, b = Value(2.0), Value(5.0); a * b + a - b / a\n"
        "  expected a and b unchanged: data 2.0 and 5.0, grad 0.0\n"
        f"  got      data {a.data!r} and {b.data!r}, grad {a.grad!r} and {b.grad!r}"
    )


def test_backward_sets_the_output_grad_to_one():
    a = engine.Value(3.0)
    out = a * 4.0
    out.backward()
    expect_grad("out", out.grad, 1.0, "out = Value(3.0) * 4.0; out.backward()")


def test_values_outside_the_graph_keep_a_zero_grad():
    a, b, unused = engine.Value(1.5), engine.Value(-2.0), engine.Value(7.0)
    (a * b).backward()
    expect_grad("unused", unused.grad, 0.0, "(a * b).backward() with `unused` not in the graph")


@pytest.mark.parametrize(
    "make",
    [
        lambda: engine.Value(1.0) / engine.Value(0.0),
        lambda: engine.Value(1.0) / 0,
        lambda: 1 / engine.Value(0.0),
    ],
    ids=["Value / Value(0)", "Value / 0", "1 / Value(0)"],
)
def test_dividing_by_zero_raises_zero_division_error(make):
    expect_raises(ZeroDivisionError, make)


@pytest.mark.section("Local derivatives and the chain rule")
def test_relu_at_and_below_zero():
    for x in (0.0, -2.5):
        v = engine.Value(x)
        out = v.relu()
        expect_value(out, f"Value({x!r}).relu()")
        assert out.data == 0.0, f"Value({x!r}).relu()\n  expected data 0.0\n  got      {out.data!r}"
        out.backward()
        expect_grad("v", v.grad, 0.0, f"v = Value({x!r}); v.relu().backward() (as in PyTorch)")


@pytest.mark.section("Local derivatives and the chain rule")
@pytest.mark.parametrize("x, limit", [(1000.0, 1.0), (-1000.0, -1.0), (400.0, 1.0)])
def test_tanh_of_huge_inputs_does_not_overflow(x, limit):
    v = engine.Value(x)
    out = call(v.tanh)
    expect_value(out.value, f"Value({x!r}).tanh()")
    assert out.value.data == limit, (
        f"Value({x!r}).tanh()\n  expected data {limit!r}\n  got      {out.value.data!r}"
    )
    out.value.backward()
    expect_grad("v", v.grad, 0.0, f"v = Value({x!r}); v.tanh().backward()")


# --- worked examples ----------------------------------------------------------------------


def test_lesson3_example_z_equals_x_x_y():
    x, y = engine.Value(2.0), engine.Value(3.0)
    z = x * x * y
    z.backward()
    text = "x, y = Value(2.0), Value(3.0); z = x * x * y; z.backward()"
    expect_close(call(lambda: z.data), 12.0)
    expect_grad("x", x.grad, 12.0, text)
    expect_grad("y", y.grad, 4.0, text)


def test_karpathy_expression_graph_example():
    # a = 2, b = -3, c = 10, e = a*b, d = e + c, f = -2, L = d * f  ->  L = -8
    a, b, c, f = engine.Value(2.0), engine.Value(-3.0), engine.Value(10.0), engine.Value(-2.0)
    e = a * b
    d = e + c
    loss = d * f
    loss.backward()
    text = "a, b, c, f = 2, -3, 10, -2; e = a * b; d = e + c; L = d * f; L.backward()"
    expect_close(call(lambda: loss.data), -8.0)
    for name, node, expected in [
        ("f", f, 4.0),
        ("d", d, -2.0),
        ("c", c, -2.0),
        ("e", e, -2.0),
        ("a", a, 6.0),
        ("b", b, -4.0),
    ]:
        expect_grad(name, node.grad, expected, text)


@pytest.mark.parametrize("via_exp", [False, True], ids=["tanh", "tanh-from-exp"])
def test_karpathy_tanh_neuron_example(via_exp):
    x1, x2 = engine.Value(2.0), engine.Value(0.0)
    w1, w2 = engine.Value(-3.0), engine.Value(1.0)
    b = engine.Value(6.8813735870195432)
    n = x1 * w1 + x2 * w2 + b
    if via_exp:
        e = (2 * n).exp()
        o = (e - 1) / (e + 1)
        text = "n = x1*w1 + x2*w2 + b; e = (2 * n).exp(); o = (e - 1) / (e + 1); o.backward()"
    else:
        o = n.tanh()
        text = "n = x1*w1 + x2*w2 + b; o = n.tanh(); o.backward()"
    o.backward()
    text += "\n  with x1, x2, w1, w2, b = 2, 0, -3, 1, 6.8813735870195432"
    assert close(o.data, math.sqrt(0.5)), (
        f"{text}\n  expected o.data {math.sqrt(0.5)!r}\n  got      {o.data!r}"
    )
    expected = {"x1": (x1, -1.5), "w1": (w1, 1.0), "x2": (x2, 0.5), "w2": (w2, 0.0), "b": (b, 0.5)}
    for name, (node, grad) in expected.items():
        expect_grad(name, node.grad, grad, text)


def test_micrograd_readme_example():
    a, b = engine.Value(-4.0), engine.Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    text = "the example of micrograd's README (a = -4, b = 2)"
    for name, got, expected in [("g.data", g.data, 24.7041), ("a.grad", a.grad, 138.8338)]:
        assert abs(got - expected) < 5e-5, f"{text}\n  {name}: expected {expected}\n  got {got!r}"
    assert abs(b.grad - 645.5773) < 5e-5, f"{text}\n  b.grad: expected 645.5773\n  got {b.grad!r}"


# --- a Value used more than once ------------------------------------------------------------


@pytest.mark.section("Why gradients accumulate")
@pytest.mark.parametrize(
    "expr, grad",
    [
        ("a + a", lambda x: 2.0),
        ("a * a", lambda x: 2 * x),
        ("a - a", lambda x: 0.0),
        ("a / a", lambda x: 0.0),
        ("a * a + a", lambda x: 2 * x + 1),
    ],
)
def test_a_value_used_twice_gets_both_contributions(expr, grad):
    x = 3.0
    a = engine.Value(x)
    out = eval(expr, {"a": a})
    out.backward()
    expect_grad("a", a.grad, grad(x), f"a = Value({x}); ({expr}).backward()")


@pytest.mark.section("Why gradients accumulate")
def test_a_node_used_by_two_later_nodes_passes_gradient_down_once():
    x = engine.Value(1.0)
    y = x * 3  # y = 3, used twice below
    z = y * y + y  # dz/dy = 2y + 1 = 7, so dz/dx = 21
    z.backward()
    text = "x = Value(1.0); y = x * 3; z = y * y + y; z.backward()"
    expect_grad("y", y.grad, 7.0, text)
    expect_grad("x", x.grad, 21.0, text)


@pytest.mark.section("Why gradients accumulate")
def test_gradients_accumulate_across_backward_calls():
    a = engine.Value(2.0)
    (a * 2).backward()
    (a * 3).backward()
    expect_grad("a", a.grad, 5.0, "a = Value(2.0); (a * 2).backward(); (a * 3).backward()")


def chain_backward(value: type, length: int) -> tuple | None:
    """Runs where the learner's code does (200 000 Values made call by call from here
    would take minutes): x, then `length` times v = v + 1, then v.backward(); the data
    and x.grad, or None when backward() recursed too deep."""

    import gc

    x = v = value(0.5)
    gc.disable()  # 200 000 Values in reference cycles: the collector would only slow this
    try:
        for _ in range(length):
            v = v + 1
        try:
            v.backward()
        except RecursionError:
            return None
    finally:
        gc.enable()
    return v.data, x.grad


@pytest.mark.section("Backward over a topological order")
@pytest.mark.points(2)
def test_backward_through_a_100_000_node_chain():
    text = "v = x; 100 000 times v = v + 1; v.backward()"
    got = run_there(chain_backward, engine.Value, 100_000)
    assert got is not None, (
        f"{text}\n  raised RecursionError: build the topological order with a loop and a "
        "stack of your own, not a recursive function"
    )
    data, grad = got
    expect_close(Called(f"{text}; v.data", data), 100_000.5)
    expect_grad("x", grad, 1.0, text)


# --- random programs ----------------------------------------------------------------------
#
# A program is a list of steps r3 = r0 * r1, r4 = r3.tanh(), r5 = r4 + r3, ... over the
# inputs r0, r1, r2: any step may use any earlier result, so inner nodes get shared the way
# they are in a real network, and the last step is the output.


class Reject(Exception):
    """The program leaves the domain where the comparison is meaningful."""


def checked(x: float) -> float:
    if not math.isfinite(x) or abs(x) > 1e6:
        raise Reject
    return x


def _pow(k):
    def on_floats(x: float) -> float:
        if (k < 0 and abs(x) < 0.1) or (k != int(k) and x < 0.1):
            raise Reject
        return x**k

    return on_floats


def _relu(x: float) -> float:
    if abs(x) < 1e-6:  # the kink: the engine and the oracle could round to different sides
        raise Reject
    return max(x, 0.0)


def _exp(x: float) -> float:
    if x > 12:
        raise Reject
    return math.exp(x)


def _div(a: float, b: float) -> float:
    if abs(b) < 0.1:
        raise Reject
    return a / b


# name: (on plain floats, with a domain check; on Values, Duals or tensors; how it reads)
STEP_UNARY = {
    "neg": (operator.neg, operator.neg, "-{}"),
    "relu": (_relu, lambda v: v.relu(), "{}.relu()"),
    "tanh": (math.tanh, lambda v: v.tanh(), "{}.tanh()"),
    "exp": (_exp, lambda v: v.exp(), "{}.exp()"),
    **{f"**{k}": (_pow(k), lambda v, k=k: v**k, f"{{}} ** {k}") for k in (2, 3, -1, 0.5)},
}
STEP_BINARY = {**BINARY, "/": _div}


@dataclass(frozen=True)
class Step:
    op: str  # a key of STEP_UNARY or BINARY
    args: tuple  # register numbers (int) or constants (Const)

    def text(self) -> str:
        names = [a.text() if isinstance(a, Const) else f"r{a}" for a in self.args]
        if self.op in STEP_UNARY:
            return STEP_UNARY[self.op][2].format(names[0])
        return f"{names[0]} {self.op} {names[1]}"


@dataclass(frozen=True)
class Const:
    number: int | float

    def text(self) -> str:
        return repr(self.number)


def run_program(steps: list[Step], inputs: list, floats: bool = False):
    """Every register's value: on Values (or Duals, or tensors), else on plain floats
    with every step's domain checked."""
    regs = list(inputs)
    for step in steps:
        args = [a.number if isinstance(a, Const) else regs[a] for a in step.args]
        if step.op in STEP_UNARY:
            plain, general, _ = STEP_UNARY[step.op]
            fn = plain if floats else general
        else:
            fn = STEP_BINARY[step.op] if floats else BINARY[step.op]
        result = fn(*args)
        regs.append(checked(result) if floats else result)
    return regs


N_INPUTS = 3
constants = st.one_of(
    st.integers(min_value=-3, max_value=3),
    st.floats(min_value=-3, max_value=3).map(lambda x: round(x, 2)),
).map(Const)


@st.composite
def programs(draw) -> list[Step]:
    steps: list[Step] = []
    for _ in range(draw(st.integers(min_value=1, max_value=10))):
        registers = st.integers(min_value=0, max_value=N_INPUTS + len(steps) - 1)
        shape = draw(
            st.sampled_from(["unary", "binary", "binary", "constant left", "constant right"])
        )
        if shape == "unary":
            steps.append(Step(draw(st.sampled_from(list(STEP_UNARY))), (draw(registers),)))
            continue
        op = draw(st.sampled_from(list(BINARY)))
        if shape == "binary":
            args = (draw(registers), draw(registers))
        elif shape == "constant left":
            args = (draw(constants), draw(registers))
        else:
            args = (draw(registers), draw(constants))
        steps.append(Step(op, args))
    return steps


inputs = st.lists(st.floats(min_value=-2, max_value=2), min_size=N_INPUTS, max_size=N_INPUTS)


def program_there(value: type, inputs: list, lines: list) -> tuple:
    """Runs where the learner's code does (one request, not one per operation): r0, r1,
    ... = Value(x) for the inputs, then each line ("r0 * r1", "r3.tanh()", ...) in turn
    as the next register, then backward() from the last. What came back, as data: the
    data of every result, then the repr of the first result that is no Value (else
    None) and the inputs' grads (None until backward() ran)."""
    registers = {f"r{i}": value(x) for i, x in enumerate(inputs)}
    datas = []
    for i, line in enumerate(lines, start=len(inputs)):
        out = registers[f"r{i}"] = eval(line, {}, registers)
        if not isinstance(out, value):
            return datas, f"{out!r} ({type(out).__name__})", None
        datas.append(out.data)
    out.backward()
    return datas, None, [registers[f"r{i}"].grad for i in range(len(inputs))]


@pytest.mark.points(3)
@given(programs(), inputs)
def test_random_programs_values_and_gradients(steps, xs):
    try:
        run_program(steps, xs, floats=True)
    except (Reject, ZeroDivisionError, OverflowError):
        assume(False)
    lines = [step.text() for step in steps]
    code = [f"r{i} = Value({x!r})" for i, x in enumerate(xs)]
    code += [f"r{N_INPUTS + i} = {line}" for i, line in enumerate(lines)]
    text = "; ".join(code) + f"; r{N_INPUTS + len(steps) - 1}.backward()"
    datas, shown, grads = run_there(program_there, engine.Value, xs, lines)
    expected = run_program(steps, Dual.inputs(xs))
    for i, data in enumerate(datas, start=N_INPUTS):
        assert close(data, expected[i].x), (
            f"{text}\n  expected r{i}.data {expected[i].x!r}\n  got      {data!r}"
        )
    if shown is not None:
        i = N_INPUTS + len(datas)
        raise AssertionError(f"{text}\n  (r{i})\n  expected a Value\n  got      {shown}")
    for i, (grad, slope) in enumerate(zip(grads, expected[-1].d, strict=True)):
        expect_grad(f"r{i}", grad, slope, text)


def test_a_node_reached_by_a_short_and_a_long_path():
    # y is used directly by z and, three steps later, by the exp branch: a walk that is
    # not a topological order lets y pass its gradient on before the long path arrives.
    x = engine.Value(0.5)
    y = x * 2
    z = y + (y * 3).exp() * 2
    z.backward()
    text = "x = Value(0.5); y = x * 2; z = y + (y * 3).exp() * 2; z.backward()"
    dz_dy = 1 + 6 * math.exp(3.0)
    expect_grad("y", y.grad, dz_dy, text)
    expect_grad("x", x.grad, 2 * dz_dy, text)
