"""Lesson 1: a neuron, a layer, reading the output, counting parameters.

Every test calls the learner's `lesson1/neuron.py` and says, when it fails, what it
called, what it expected and what came back.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import (
    batched,
    call,
    call_each,
    exercise_module,
    expect_close,
    expect_equal,
    expect_raises,
    several,
)

neuron = exercise_module("lesson1.neuron")

reals = st.floats(min_value=-50, max_value=50, allow_nan=False)
any_real = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
vectors = st.lists(reals, min_size=1, max_size=6)
labels = st.text("catdogfox", min_size=1, max_size=4)  # what a label says is beside the point
widths = st.integers(1, 50)


def identity(z: float) -> float:
    return z


def halved(z: float) -> float:
    return z / 2


@pytest.mark.exercise("step")
class TestStep:
    @pytest.mark.parametrize("z, fires", [(3.5, 1.0), (1e-9, 1.0), (-2.0, 0.0), (-1e-9, 0.0)])
    def test_fires_only_above_zero(self, z, fires):
        expect_equal(call(neuron.step, z), fires)

    def test_zero_does_not_fire(self):
        expect_equal(call(neuron.step, 0.0), 0.0)

    @batched
    @given(several(any_real))
    def test_returns_a_float_zero_or_one(self, zs):
        for got in call_each(neuron.step, [(z,) for z in zs]):
            assert isinstance(got.value, float) and got.value in (0.0, 1.0), (
                f"{got.text}\n  expected the float 0.0 or 1.0\n  got      {got.value!r}"
            )


@pytest.mark.exercise("sigmoid")
class TestSigmoid:
    def test_half_at_zero(self):
        expect_close(call(neuron.sigmoid, 0.0), 0.5)

    @pytest.mark.parametrize("z", [-3.0, -0.5, 1.0, 4.0, 20.0])
    def test_matches_the_formula(self, z):
        expect_close(call(neuron.sigmoid, z), 1 / (1 + math.exp(-z)))

    @pytest.mark.points(2)
    @pytest.mark.parametrize("z, limit", [(-1000.0, 0.0), (1000.0, 1.0), (-750.0, 0.0)])
    def test_no_overflow_for_huge_inputs(self, z, limit):
        expect_close(call(neuron.sigmoid, z), limit, abs=1e-12)

    @batched
    @given(several(any_real))
    def test_symmetric_and_between_zero_and_one(self, zs):
        got = list(call_each(neuron.sigmoid, [(x,) for z in zs for x in (z, -z)]))
        for up, down in zip(got[::2], got[1::2], strict=True):
            assert 0.0 <= up.value <= 1.0, (
                f"{up.text}\n  expected a value in [0, 1]\n  got {up.value!r}"
            )
            assert math.isclose(up.value + down.value, 1.0, abs_tol=1e-12), (
                f"{up.text} + {down.text}\n  expected 1.0 (the sigmoid is symmetric)\n"
                f"  got      {up.value!r} + {down.value!r}"
            )

    @batched
    @given(several(st.tuples(reals, reals)))
    def test_never_decreases(self, pairs):
        got = list(call_each(neuron.sigmoid, [(x,) for pair in pairs for x in sorted(pair)]))
        for low, high in zip(got[::2], got[1::2], strict=True):
            assert low.value <= high.value, (
                f"{low.text} = {low.value!r} is above "
                f"{high.text} = {high.value!r}: it must never decrease"
            )


@pytest.mark.exercise("relu")
class TestRelu:
    @pytest.mark.parametrize("z, expected", [(2.5, 2.5), (-3.0, 0.0), (0.0, 0.0), (1e-300, 1e-300)])
    def test_known_values(self, z, expected):
        expect_close(call(neuron.relu, z), expected, rel=0, abs=0)

    @batched
    @given(several(any_real))
    def test_keeps_positives_and_zeroes_the_rest(self, zs):
        for z, got in zip(zs, call_each(neuron.relu, [(z,) for z in zs]), strict=True):
            expect_close(got, max(z, 0.0), rel=0, abs=0)
            assert isinstance(got.value, float), (
                f"{got.text}\n  expected a float, got {got.value!r}"
            )


@pytest.mark.exercise("neuron")
class TestNeuron:
    def test_worked_example(self):
        # 0.5*2 + (-1)*1 + 0.25*4 = 1.0; plus bias 0.5 = 1.5
        expect_close(call(neuron.neuron, [2.0, 1.0, 4.0], [0.5, -1.0, 0.25], 0.5, identity), 1.5)

    def test_default_activation_is_sigmoid(self):
        expect_close(call(neuron.neuron, [1.0, 2.0], [0.5, 0.25], -1.0), 0.5)

    def test_uses_the_activation_given(self):
        # The tests' own activations, not the learner's relu or step: a mistake there costs
        # the points of their own tests, not this one's too.
        expect_equal(call(neuron.neuron, [1.0], [-2.0], 0.5, identity), -1.5)
        expect_equal(call(neuron.neuron, [1.0], [2.0], -1.0, halved), 0.5)

    def test_bias_counts(self):
        expect_close(call(neuron.neuron, [0.0, 0.0], [3.0, 4.0], -7.5, identity), -7.5)

    @given(vectors, st.data())
    def test_weighted_sum_plus_bias(self, inputs, data):
        weights = data.draw(st.lists(reals, min_size=len(inputs), max_size=len(inputs)))
        bias = data.draw(reals)
        expected = sum(x * w for x, w in zip(inputs, weights, strict=True)) + bias
        expect_close(
            call(neuron.neuron, inputs, weights, bias, identity), expected, rel=1e-9, abs=1e-9
        )

    @pytest.mark.parametrize("inputs, weights", [([1.0, 2.0], [1.0]), ([1.0], [1.0, 2.0])])
    def test_length_mismatch_is_an_error(self, inputs, weights):
        expect_raises(ValueError, neuron.neuron, inputs, weights, 0.0)


@pytest.mark.exercise("dense_layer")
class TestDenseLayer:
    def test_one_output_per_row(self):
        weights = [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0]]
        expect_equal(
            call(neuron.dense_layer, [1.0, 2.0, 3.0], weights, [0.5, -1.0], identity), [1.5, 3.0]
        )

    def test_rows_are_neurons_not_columns(self):
        weights = [[1.0, 2.0], [3.0, 4.0]]
        expect_equal(
            call(neuron.dense_layer, [1.0, 10.0], weights, [0.0, 0.0], identity), [21.0, 43.0]
        )

    def test_default_activation_is_sigmoid(self):
        expect_equal(call(neuron.dense_layer, [1.0], [[2.0], [-2.0]], [-2.0, 2.0]), [0.5, 0.5])

    @given(st.integers(1, 4), st.integers(1, 4), st.data())
    def test_matches_the_formula(self, n_in, n_out, data):
        inputs = data.draw(st.lists(reals, min_size=n_in, max_size=n_in))
        weights = [data.draw(st.lists(reals, min_size=n_in, max_size=n_in)) for _ in range(n_out)]
        biases = data.draw(st.lists(reals, min_size=n_out, max_size=n_out))
        got = call(neuron.dense_layer, inputs, weights, biases, identity)
        expected = [
            sum(x * w for x, w in zip(inputs, row, strict=True)) + b
            for row, b in zip(weights, biases, strict=True)
        ]
        assert isinstance(got.value, list) and len(got.value) == n_out, (
            f"{got.text}\n  expected a list of {n_out} outputs\n  got      {got.value!r}"
        )
        for i, (g, e) in enumerate(zip(got.value, expected, strict=True)):
            assert math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-9), (
                f"{got.text}\n  output {i}: expected {e!r}\n  got      {g!r}"
            )

    @pytest.mark.parametrize(
        "weights, biases",
        [
            ([[1.0, 2.0]], [0.0, 0.0]),
            ([[1.0, 2.0], [3.0, 4.0]], [0.0]),
            ([[1.0, 2.0], [3.0]], [0.0, 0.0]),
            ([[1.0, 2.0, 3.0]], [0.0]),
        ],
        ids=["extra bias", "missing bias", "short row", "long row"],
    )
    def test_size_mismatch_is_an_error(self, weights, biases):
        expect_raises(ValueError, neuron.dense_layer, [1.0, 2.0], weights, biases)


@pytest.mark.exercise("predict")
class TestPredict:
    def test_the_lesson_example(self):
        expect_equal(call(neuron.predict, {"dog": 13.0, "cat": 2.0, "human": 21.0}), "human")

    def test_negative_scores(self):
        expect_equal(call(neuron.predict, {"a": -5.0, "b": -1.0, "c": -3.0}), "b")

    def test_tie_goes_to_the_first(self):
        expect_equal(call(neuron.predict, {"cat": 7.0, "dog": 7.0, "fox": 1.0}), "cat")
        expect_equal(call(neuron.predict, {"fox": 1.0, "dog": 7.0, "cat": 7.0}), "dog")

    def test_empty_is_an_error(self):
        expect_raises(ValueError, neuron.predict, {})

    @batched
    @given(several(st.dictionaries(labels, reals, min_size=1, max_size=8)))
    def test_returns_the_first_label_with_the_highest_score(self, cases):
        calls = call_each(neuron.predict, [(scores,) for scores in cases])
        for scores, got in zip(cases, calls, strict=True):
            best = max(scores.values())
            expect_equal(got, next(label for label, s in scores.items() if s == best))


@pytest.mark.exercise("count_parameters")
class TestCountParameters:
    @pytest.mark.parametrize(
        "sizes, expected",
        [([2, 3, 1], 13), ([1, 1], 2), ([784, 16, 16, 10], 13002), ([3, 4, 4, 1], 41)],
    )
    def test_known_networks(self, sizes, expected):
        expect_equal(call(neuron.count_parameters, sizes), expected)

    @batched
    @given(several(st.tuples(st.lists(st.integers(1, 50), min_size=2, max_size=5), widths)))
    def test_one_more_layer_adds_its_weights_and_biases(self, cases):
        ask = [(sizes,) for s, w in cases for sizes in (s, [*s, w])]
        got = list(call_each(neuron.count_parameters, ask))
        for (sizes, width), before, after in zip(cases, got[::2], got[1::2], strict=True):
            expect_equal(after, before.value + sizes[-1] * width + width)

    @pytest.mark.parametrize("sizes", [[], [5], [2, 0, 1], [3, -1]])
    def test_bad_sizes_are_an_error(self, sizes):
        expect_raises(ValueError, neuron.count_parameters, sizes)
