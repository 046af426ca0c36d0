"""Lesson 5: the learner's `Module`, `Neuron`, `Layer` and `MLP` (lesson5/nn.py).

nn.py is graded on its own merits: it is imported with `lesson5.engine` standing for the
grader's own Value (see graded_alone.py and README.md), so a wrong derivative in the
learner's engine.py costs engine points only. The tests read a network through the
contract alone: parameters() in its documented order, calls, and data and grad. The
examples of a property are each run in one piece where the learner's code runs
(`forward`); what comes back is checked against the oracle here.

PYTEST_DONT_REWRITE: the messages below are written for the learner as they are.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import call, describe_call, run_each_there, run_there, shorten, show
from grader.tests.lesson5.graded_alone import (
    GradedAlone,
    instances,
    read,
    seeded,
    stand_in,
    value,
    write,
)
from grader.tests.lesson5.oracle import Dual, contract_mlp

# Your Neuron, Layer and MLP on the grader's Value: conftest.py says so on every failure.
GRADED_ALONE = "engine.py"

nn = GradedAlone("lesson5.nn")


engine = stand_in("engine")


def is_value(x: object) -> bool:
    return isinstance(x, engine.Value)


def expect_value(got: object, text: str) -> None:
    assert is_value(got), f"{text}\n  expected a Value\n  got      {show(got)}"


def single_output(got: object, text: str):
    """A network's one output: a Value, or a list of one Value (whether the MLP unwraps
    it is test_one_output_neuron_gives_a_single_value's business alone)."""
    if isinstance(got, list) and len(got) == 1:
        got = got[0]
    expect_value(got, text)
    return got


def expect_number(got: float, expected: float, text: str, what: str = "data") -> None:
    assert abs(got - expected) <= 1e-9 * max(1.0, abs(expected)), (
        f"{text}\n  expected {what} {expected!r}\n  got      {got!r}"
    )


def set_parameters(module, numbers) -> list:
    got = call(module.parameters)
    params = got.value
    assert isinstance(params, list) and len(params) == len(numbers), (
        f"{got.text}\n  expected {len(numbers)} Values, to set in the documented order\n"
        f"  got      {show(params)}"
    )
    run_there(write, params, "data", [float(x) for x in numbers])
    return params


def forward(make: type, args: tuple, kwargs: dict, numbers: list, x: list, value: type) -> tuple:
    """Runs where the learner's code does (a case of one request, not a request per
    Value): make(*args, **kwargs), its parameters() set to `numbers` in order, then
    called on x. What came back as data: ("parameters", their repr) when there are not
    as many; else ("out", the repr of the result, its outputs), an output being (True,
    its data) for a Value, else (False, its repr), and a list of outputs a list of those."""
    module = make(*args, **kwargs)
    params = module.parameters()
    if not isinstance(params, list) or len(params) != len(numbers):
        return "parameters", repr(params), None
    for p, number in zip(params, numbers, strict=True):
        p.data = number
    out = module(x)

    def seen(o: object) -> tuple:
        return (True, o.data) if isinstance(o, value) else (False, repr(o))

    return "out", repr(out), [seen(o) for o in out] if isinstance(out, list) else seen(out)


def run_forwards(make: type, cases: list) -> Iterator[tuple]:
    """`forward` on each case (args, kwargs, numbers, x) in turn, all in one request where
    the learner's code runs: the repr of each result and its outputs."""
    answers = run_each_there(forward, [(make, *case, engine.Value) for case in cases])
    for (args, kwargs, numbers, _), (what, shown, outputs) in zip(cases, answers, strict=True):
        assert what == "out", (
            f"{describe_call(make, *args, **kwargs)}.parameters()\n"
            f"  expected {len(numbers)} Values, to set in the documented order\n"
            f"  got      {shorten(shown)}"
        )
        yield shorten(shown), outputs


def run_forward(make: type, args: tuple, kwargs: dict, numbers: list, x: list) -> tuple:
    """`forward` on one case: the repr of the result and its outputs."""
    (answer,) = run_forwards(make, [(args, kwargs, numbers, x)])
    return answer


def output_data(output: tuple, text: str) -> float:
    """The data of an output `forward` saw; a failure when it was no Value."""
    is_output_value, data = output
    assert is_output_value, f"{text}\n  expected a Value\n  got      {shorten(data)}"
    return data


def count(nin: int, nouts: list[int]) -> int:
    sizes = [nin, *nouts]
    return sum((a + 1) * b for a, b in itertools.pairwise(sizes))


def expect_distinct(params: list, text: str) -> None:
    ids = [id(p) for p in params]
    shared = len(ids) - len(set(ids))
    assert shared == 0, (
        f"{text}\n  expected every parameter to be a Value of its own\n"
        f"  got      {shared} Value object(s) appearing more than once in parameters()"
    )


sizes = st.integers(min_value=1, max_value=4)
# Two or more neurons: what a one-neuron Layer returns is its own test's business, so that
# a mistake there costs that test only (micrograd's Layer returns a bare Value).
widths = st.integers(min_value=2, max_value=4)
numbers = st.floats(min_value=-2, max_value=2, allow_nan=False)


@pytest.mark.exercise("Module")
class TestModule:
    def test_a_bare_module_has_no_parameters(self):
        got = call(nn.Module().parameters)
        assert got.value == [], f"{got.text}\n  expected []\n  got      {show(got.value)}"

    def test_zero_grad_resets_every_parameter(self):
        a, b = value(1.0), value(2.0)
        a.grad, b.grad = 3.5, -1.0
        run_there(zero_grad_of_a_pair, nn.Module, a, b)
        assert (a.grad, b.grad) == (0.0, 0.0), (
            "a module whose parameters() are [a, b], with grads 3.5 and -1.0: zero_grad()\n"
            f"  expected both grads 0.0\n  got      {a.grad!r} and {b.grad!r}"
        )


def zero_grad_of_a_pair(module: type, a: object, b: object) -> None:
    """Runs where the learner's code does: a subclass of their Module."""

    class Pair(module):
        def parameters(self):
            return [a, b]

    Pair().zero_grad()


@pytest.mark.exercise("Neuron")
class TestNeuron:
    def test_one_weight_per_input_and_a_bias(self):
        neuron = call(nn.Neuron, 3).value
        assert isinstance(neuron, nn.Module), "Neuron must be a subclass of Module"
        w, b = neuron.w, neuron.b
        assert isinstance(w, list) and len(w) == 3 and all(map(is_value, w)), (
            f"Neuron(3).w\n  expected a list of 3 Values\n  got      {show(w)}"
        )
        expect_value(b, "Neuron(3).b")
        params = call(neuron.parameters).value
        assert isinstance(params, list) and len(params) == 4, (
            f"Neuron(3).parameters()\n  expected a list of 4 Values\n  got      {show(params)}"
        )
        assert all(p is q for p, q in zip(params, [*w, b], strict=True)), (
            "Neuron(3).parameters()\n  expected the Values w[0], w[1], w[2], then b (w + [b])"
        )

    def test_weights_are_random_in_minus_one_to_one(self):
        weights = run_there(read, nn.Neuron(500).w, "data")
        outside = [x for x in weights if not -1.0 <= x <= 1.0]
        assert not outside, (
            f"Neuron(500).w\n  expected every weight in [-1, 1]\n  got {outside[:5]}"
        )
        assert min(weights) < -0.5 and max(weights) > 0.5, (
            "Neuron(500).w\n  expected weights spread over [-1, 1] (random.uniform(-1, 1))\n"
            f"  got      weights from {min(weights)!r} to {max(weights)!r}"
        )
        bias = nn.Neuron(3).b.data
        assert -1.0 <= bias <= 1.0, (
            f"Neuron(3).b.data\n  expected 0.0 (or a number in [-1, 1])\n  got {bias!r}"
        )

    def test_two_neurons_share_nothing(self):
        first, second = nn.Neuron(4), nn.Neuron(4)
        expect_distinct(first.parameters() + second.parameters(), "two Neuron(4)")
        assert [w.data for w in first.w] != [w.data for w in second.w], (
            "two Neuron(4)\n  expected different random weights\n  got the same weights twice"
        )

    @given(sizes, st.data())
    def test_output_is_relu_of_weighted_sum_plus_bias(self, nin, data):
        w = data.draw(st.lists(numbers, min_size=nin, max_size=nin), label="w")
        b = data.draw(numbers, label="b")
        x = data.draw(st.lists(numbers, min_size=nin, max_size=nin), label="x")
        act = sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b
        cases = [((nin,), {"nonlin": nonlin}, [*w, b], x) for nonlin in (True, False)]
        for nonlin, (_, got) in zip((True, False), run_forwards(nn.Neuron, cases), strict=True):
            text = f"Neuron({nin}, nonlin={nonlin}) with w = {w}, b = {b}, called on {x}"
            expect_number(output_data(got, text), max(act, 0.0) if nonlin else act, text)

    def test_nonlin_is_on_by_default(self):
        neuron = nn.Neuron(2)
        set_parameters(neuron, [1.0, 1.0, -5.0])
        got = call(neuron, [1.0, 2.0])
        expect_value(got.value, got.text)
        expect_number(got.value.data, 0.0, "Neuron(2) with w = [1, 1], b = -5, called on [1, 2]")

    def test_inputs_may_be_values(self):
        neuron = nn.Neuron(2, nonlin=False)
        set_parameters(neuron, [2.0, -1.0, 0.5])
        got = call(neuron, [value(3.0), value(4.0)])
        expect_value(got.value, got.text)
        expect_number(got.value.data, 2.5, "Neuron(2, nonlin=False), w = [2, -1], b = 0.5")

    def test_gradients_reach_the_weights_the_bias_and_the_inputs(self):
        neuron = nn.Neuron(2)
        w0, w1, b = set_parameters(neuron, [2.0, -1.0, 0.5])
        x = [value(3.0), value(4.0)]
        neuron(x).backward()
        text = "Neuron(2), w = [2, -1], b = 0.5; neuron([value(3), value(4)]).backward()"
        for name, v, expected in [
            ("w[0]", w0, 3.0),
            ("w[1]", w1, 4.0),
            ("b", b, 1.0),
            ("x[0]", x[0], 2.0),
            ("x[1]", x[1], -1.0),
        ]:
            expect_number(v.grad, expected, text, f"{name}.grad")

    @pytest.mark.parametrize("x", [[1.0], [1.0, 2.0, 3.0]], ids=["too few", "too many"])
    def test_wrong_number_of_inputs_is_an_error(self, x):
        neuron = nn.Neuron(2)
        try:
            got = neuron(x)
        except ValueError:
            return
        raise AssertionError(
            f"Neuron(2) called on {x}\n  expected ValueError (it takes 2 inputs)"
            f"\n  got      {show(got)}"
        )


@pytest.mark.exercise("Layer")
class TestLayer:
    @pytest.mark.parametrize("nin, nout", [(3, 4), (2, 1), (1, 5)])
    def test_returns_a_list_of_nout_values(self, nin, nout):
        got = call(nn.Layer(nin, nout), [0.5] * nin)
        assert isinstance(got.value, list) and len(got.value) == nout, (
            f"{got.text} on a Layer({nin}, {nout})\n  expected a list of {nout} Value(s)"
            f"\n  got      {show(got.value)}"
        )
        assert all(map(is_value, got.value)), (
            f"{got.text}\n  expected Values, got {show(got.value)}"
        )

    @pytest.mark.parametrize("nin, nout", [(3, 4), (2, 1), (5, 2)])
    def test_parameter_count(self, nin, nout):
        layer = nn.Layer(nin, nout)
        assert isinstance(layer, nn.Module), "Layer must be a subclass of Module"
        params = call(layer.parameters).value
        assert len(params) == nout * (nin + 1), (
            f"Layer({nin}, {nout}).parameters()\n  expected {nout * (nin + 1)} Values"
            f" ({nout} neurons of {nin} weights and a bias)\n  got      {len(params)}"
        )
        expect_distinct(params, f"Layer({nin}, {nout}).parameters()")

    @given(sizes, widths, st.data())
    def test_every_neuron_sees_the_same_inputs(self, nin, nout, data):
        values = data.draw(st.lists(numbers, min_size=nout * (nin + 1), max_size=nout * (nin + 1)))
        x = data.draw(st.lists(numbers, min_size=nin, max_size=nin), label="x")
        shown, got = run_forward(nn.Layer, (nin, nout), {}, values, x)
        text = f"Layer({nin}, {nout}) with parameters {values}, called on {x}"
        assert isinstance(got, list) and len(got) == nout, (
            f"{text}\n  expected a list of {nout} Values\n  got      {shown}"
        )
        for j in range(nout):
            chunk = values[j * (nin + 1) : (j + 1) * (nin + 1)]
            act = sum(w * xi for w, xi in zip(chunk[:-1], x, strict=True)) + chunk[-1]
            expect_number(output_data(got[j], text), max(act, 0.0), text, f"output {j}:")

    def test_keyword_arguments_reach_every_neuron(self):
        layer = nn.Layer(2, 3, nonlin=False)
        set_parameters(layer, [-1.0, -1.0, -1.0] * 3)
        got = call(layer, [1.0, 1.0])
        datas = [v.data for v in got.value]
        assert datas == [-3.0, -3.0, -3.0], (
            "Layer(2, 3, nonlin=False), every weight and bias -1, called on [1, 1]\n"
            f"  expected [-3.0, -3.0, -3.0] (no ReLU)\n  got      {datas}"
        )


@pytest.mark.exercise("MLP")
class TestMLP:
    @pytest.mark.parametrize(
        "nin, nouts", [(2, [3, 1]), (3, [4, 4, 1]), (1, [1]), (2, [16, 16, 1]), (4, [3, 2])]
    )
    def test_parameter_count(self, nin, nouts):
        model = nn.MLP(nin, nouts)
        assert isinstance(model, nn.Module), "MLP must be a subclass of Module"
        params = call(model.parameters).value
        assert isinstance(params, list) and len(params) == count(nin, nouts), (
            f"MLP({nin}, {nouts}).parameters()\n  expected {count(nin, nouts)} Values"
            f"\n  got      {len(params)}"
        )
        assert all(run_there(instances, params, engine.Value)), (
            f"MLP({nin}, {nouts}).parameters() holds non-Values"
        )

    @pytest.mark.parametrize("nin, nouts", [(2, [3, 1]), (3, [4, 4, 2])])
    def test_no_two_parameters_are_the_same_value(self, nin, nouts):
        expect_distinct(nn.MLP(nin, nouts).parameters(), f"MLP({nin}, {nouts}).parameters()")

    def test_one_output_neuron_gives_a_single_value(self):
        got = call(nn.MLP(2, [3, 1]), [1.0, -1.0])
        expect_value(got.value, f"{got.text} on MLP(2, [3, 1])")

    def test_several_output_neurons_give_a_list(self):
        got = call(nn.MLP(2, [3, 2]), [1.0, -1.0])
        assert isinstance(got.value, list) and len(got.value) == 2, (
            f"{got.text} on MLP(2, [3, 2])\n  expected a list of 2 Values\n  got {show(got.value)}"
        )

    @given(sizes, st.lists(widths, min_size=1, max_size=3), st.data())
    def test_forward_matches_the_contract(self, nin, hidden, data):
        nouts = [*hidden, data.draw(sizes, label="outputs")]
        values = data.draw(
            st.lists(numbers, min_size=count(nin, nouts), max_size=count(nin, nouts))
        )
        x = data.draw(st.lists(numbers, min_size=nin, max_size=nin), label="x")
        expected = [out.x for out in contract_mlp([Dual(v) for v in values], nouts, x)]
        _, got = run_forward(nn.MLP, (nin, nouts), {}, values, x)
        text = f"MLP({nin}, {nouts}) with parameters {values} (in parameters() order), on {x}"
        outputs = got if isinstance(got, list) else [got]
        assert len(outputs) == len(expected), f"{text}\n  expected {len(expected)} outputs"
        for j, (g, e) in enumerate(zip(outputs, expected, strict=True)):
            expect_number(output_data(g, text), e, text, f"output {j}:")

    # MLP(1, [2, 1]) with hidden = [relu(x), relu(-x)]: each test below is blind to the
    # other's mistake (a ReLU after the last layer, a hidden layer without one)

    def test_the_last_layer_is_linear(self):
        model = nn.MLP(1, [2, 1])
        set_parameters(model, [1.0, 0.0, -1.0, 0.0, 1.0, 0.0, -3.0])
        got = call(model, [1.0])
        out = single_output(got.value, got.text)
        text = "MLP(1, [2, 1]), hidden = [relu(x), relu(-x)], out = hidden[0] - 3, at x = 1"
        expect_number(out.data, -2.0, text)

    def test_hidden_layers_use_relu(self):
        model = nn.MLP(1, [2, 1])
        set_parameters(model, [1.0, 0.0, -1.0, 0.0, 1.0, -1.0, 3.5])
        got = call(model, [-2.0])
        out = single_output(got.value, got.text)
        text = "MLP(1, [2, 1]), hidden = [relu(x), relu(-x)], out = hidden[0] - hidden[1] + 3.5"
        expect_number(out.data, 1.5, text + ", at x = -2")

    def test_gradients_match_the_chain_rule(self):
        nin, nouts = 3, [4, 3, 1]
        model = run_there(seeded, nn.MLP, 11, nin, nouts)
        params = model.parameters()
        x = [0.7, -1.2, 0.4]
        text = f"MLP(3, [4, 3, 1]) on {x}"
        assert len(params) == count(nin, nouts), (
            f"{text}\n  expected {count(nin, nouts)} parameters\n  got      {len(params)}"
        )
        single_output(model(x), text).backward()
        (expected,) = contract_mlp(Dual.inputs(run_there(read, params, "data")), nouts, x)
        grads = run_there(read, params, "grad")
        for j, (grad, slope) in enumerate(zip(grads, expected.d, strict=True)):
            expect_number(grad, slope, f"{text}, backward()", f"parameter {j}: grad")

    def test_zero_grad_after_backward_on_an_mlp(self):
        model = run_there(seeded, nn.MLP, 5, 2, [3, 1])
        single_output(model([0.5, -1.0]), "MLP(2, [3, 1]) on [0.5, -1.0]").backward()
        call(model.zero_grad)
        grads = run_there(read, model.parameters(), "grad")
        assert grads == [0.0] * len(grads), (
            "MLP(2, [3, 1]); model([0.5, -1.0]).backward(); zero_grad()\n"
            f"  expected every grad 0.0\n  got      {grads}"
        )
