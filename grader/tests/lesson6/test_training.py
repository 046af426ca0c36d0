"""Lesson 6: the learner's losses, batches, SGD step and training loop (lesson6/training.py).

training.py is graded on its own merits: it is imported with `lesson5` standing for the
grader's own lesson 5 (see grader/tests/lesson5/graded_alone.py), so a mistake in the
learner's Value or MLP is graded by lesson 5 and does not fail these tests too. Models
and training runs live where the learner's code runs; the tests read their numbers back
and check them against the lesson 5 oracle here.

PYTEST_DONT_REWRITE: the messages below are written for the learner as they are.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grader.datasets import two_moons
from grader.testkit import call, run_there, seeded_random, show
from grader.tests.lesson5.graded_alone import GradedAlone, read, seeded, stand_in, value
from grader.tests.lesson5.oracle import Dual, contract_mlp

# Your training loop on the grader's Value and MLP: conftest.py says so on every failure.
GRADED_ALONE = "engine.py and nn.py"

training = GradedAlone("lesson6.training")
engine = stand_in("engine")


def mlp(nin: int, nouts: list[int], seed: int):
    """The grader's MLP, where the learner's code runs, its random weights fixed by `seed`."""
    return run_there(seeded, stand_in("nn").MLP, seed, nin, nouts)


def weights(model) -> list[float]:
    """The data of the model's parameters, in order (one request)."""
    return run_there(read, model.parameters(), "data")


def seed_random(seed: int) -> None:
    """Runs where the learner's code does: random.seed(seed)."""
    import random

    random.seed(seed)


def loss_of(loss: object, value: type, numbers: list, targets: list) -> tuple:
    """Runs where the learner's code does (one request per example): loss([Value(n) for
    n in numbers], targets), as data: (True, its data) for a Value, else (False, None)."""
    out = loss([value(n) for n in numbers], targets)
    return (True, out.data) if isinstance(out, value) else (False, None)


def expect_loss(got, expected: float, text: str) -> None:
    assert isinstance(got, engine.Value), (
        f"{text}\n  expected a Value (so that backward() can run through it)"
        f"\n  got      {show(got)}"
    )
    assert math.isclose(got.data, expected, rel_tol=1e-9, abs_tol=1e-12), (
        f"{text}\n  expected data {expected!r}\n  got      {got.data!r}"
    )


def expect_grads(values: list, expected: list[float], text: str) -> None:
    got = [v.grad for v in values]
    ok = all(
        math.isclose(g, e, rel_tol=1e-9, abs_tol=1e-12) for g, e in zip(got, expected, strict=True)
    )
    assert ok, f"{text}, then backward()\n  expected grads {expected}\n  got            {got}"


def expect_value_error(fn, *args) -> None:
    text = f"{fn.__name__}({', '.join(show(a) for a in args)})"
    try:
        got = fn(*args)
    except ValueError:
        return
    raise AssertionError(f"{text}\n  expected ValueError\n  got      {show(got)}")


numbers = st.floats(min_value=-5, max_value=5, allow_nan=False)


@pytest.mark.exercise("mse")
class TestMse:
    def test_hand_computed_example(self):
        preds = [value(1.0), value(2.0), value(3.0)]
        text = "mse([Value(1), Value(2), Value(3)], [1, 0, 0])"
        loss = training.mse(preds, [1, 0, 0])
        expect_loss(loss, 13 / 3, text + "  (0 + 4 + 9) / 3")
        loss.backward()
        expect_grads(preds, [0.0, 4 / 3, 2.0], text + "  (d/dp = 2 (p - t) / 3)")

    def test_one_pair(self):
        expect_loss(training.mse([value(2.5)], [1.0]), 2.25, "mse([Value(2.5)], [1.0])")

    @given(st.lists(st.tuples(numbers, numbers), min_size=1, max_size=8))
    def test_is_the_mean_of_squared_errors(self, pairs):
        preds = [p for p, _ in pairs]
        targets = [t for _, t in pairs]
        text = f"mse({[f'Value({p})' for p in preds]}, {targets})".replace("'", "")
        is_value, data = run_there(loss_of, training.mse, engine.Value, preds, targets)
        expected = sum((p - t) ** 2 for p, t in pairs) / len(pairs)
        assert is_value, f"{text}\n  expected a Value"
        assert math.isclose(data, expected, rel_tol=1e-9, abs_tol=1e-9), (
            f"{text}\n  expected data {expected!r}\n  got      {data!r}"
        )

    @pytest.mark.parametrize(
        "preds, targets", [([1.0, 2.0], [1.0]), ([1.0], [1.0, 2.0]), ([], [])], ids=str
    )
    def test_mismatched_or_empty_is_an_error(self, preds, targets):
        expect_value_error(training.mse, [value(p) for p in preds], targets)


@pytest.mark.exercise("hinge_loss")
class TestHingeLoss:
    def test_hand_computed_example(self):
        scores = [value(2.0), value(-0.5), value(0.3)]
        text = "hinge_loss([Value(2), Value(-0.5), Value(0.3)], [1, 1, -1])"
        loss = training.hinge_loss(scores, [1, 1, -1])
        expect_loss(loss, 2.8 / 3, text + "  (0 + 1.5 + 1.3) / 3")
        loss.backward()
        expect_grads(scores, [0.0, -1 / 3, 1 / 3], text)

    def test_confident_right_answers_cost_nothing(self):
        scores = [value(1.0), value(-3.0)]
        text = "hinge_loss([Value(1), Value(-3)], [1, -1])  (margins of 1 and 3)"
        loss = training.hinge_loss(scores, [1, -1])
        expect_loss(loss, 0.0, text)
        loss.backward()
        expect_grads(scores, [0.0, 0.0], text)

    @given(st.lists(st.tuples(numbers, st.sampled_from([1, -1])), min_size=1, max_size=8))
    def test_is_the_mean_of_relu_of_one_minus_label_times_score(self, pairs):
        scores = [s for s, _ in pairs]
        labels = [y for _, y in pairs]
        text = f"hinge_loss(scores {scores}, labels {labels})"
        is_value, data = run_there(loss_of, training.hinge_loss, engine.Value, scores, labels)
        expected = sum(max(0.0, 1 - y * s) for s, y in pairs) / len(pairs)
        assert is_value, f"{text}\n  expected a Value"
        assert math.isclose(data, expected, rel_tol=1e-9, abs_tol=1e-9), (
            f"{text}\n  expected data {expected!r}\n  got      {data!r}"
        )

    @pytest.mark.parametrize(
        "labels", [[1, 0], [0, 1], [2, -1], [1]], ids=["0 label", "0 first", "2 label", "short"]
    )
    def test_bad_labels_or_lengths_are_an_error(self, labels):
        expect_value_error(training.hinge_loss, [value(0.5), value(-0.5)], labels)


@pytest.mark.exercise("batches")
class TestBatches:
    @pytest.mark.parametrize("n, size", [(10, 3), (12, 4), (7, 7), (5, 10), (1, 1), (100, 16)])
    def test_every_index_once_in_batches_of_the_size_asked(self, n, size):
        got = call(lambda: list(training.batches(n, size, seeded_random(0))))
        text = f"list(batches({n}, {size}, random.Random(0)))"
        flat = [i for batch in got.value for i in batch]
        assert sorted(flat) == list(range(n)), (
            f"{text}\n  expected every index of range({n}) exactly once"
            f"\n  got      {show(got.value)}"
        )
        full, rest = divmod(n, size)
        lengths = [len(batch) for batch in got.value]
        expected = [size] * full + ([rest] if rest else [])
        assert lengths == expected, (
            f"{text}\n  expected batch lengths {expected} (the last one may be smaller)"
            f"\n  got      {lengths}"
        )
        assert all(isinstance(b, list) and all(type(i) is int for i in b) for b in got.value), (
            f"{text}\n  expected lists of int indices\n  got      {show(got.value)}"
        )

    def test_no_indices_no_batches(self):
        got = call(lambda: list(training.batches(0, 4, seeded_random(0))))
        assert got.value == [], (
            f"list(batches(0, 4, rng))\n  expected []\n  got      {show(got.value)}"
        )

    def test_shuffled(self):
        for seed in range(3):
            order = [i for b in training.batches(100, 10, seeded_random(seed)) for i in b]
            assert order != list(range(100)), (
                f"batches(100, 10, random.Random({seed}))\n"
                "  expected the indices in a shuffled order\n  got      0, 1, 2, ... in order"
            )

    def test_the_same_seed_gives_the_same_batches(self):
        run_there(seed_random, 1)
        first = list(training.batches(50, 8, seeded_random(7)))
        run_there(seed_random, 2)  # the global random state must not matter
        second = list(training.batches(50, 8, seeded_random(7)))
        assert first == second, (
            "batches(50, 8, random.Random(7)), twice (with random.seed(1), then random.seed(2))\n"
            "  expected the same batches both times: shuffle with the rng you are given\n"
            f"  got      {show(first)}\n  then     {show(second)}"
        )

    def test_different_seeds_and_epochs_differ(self):
        a = list(training.batches(50, 8, seeded_random(1)))
        b = list(training.batches(50, 8, seeded_random(2)))
        assert a != b, "batches(50, 8, random.Random(1)) and (..., random.Random(2)) are equal"
        rng = seeded_random(3)
        epoch1, epoch2 = list(training.batches(50, 8, rng)), list(training.batches(50, 8, rng))
        assert epoch1 != epoch2, (
            "two epochs drawn from the same rng gave the same batches: use the rng you are "
            "given (it moves on), do not make a new one from a fixed seed"
        )

    @pytest.mark.parametrize("size", [0, -2])
    def test_batch_size_below_one_is_an_error(self, size):
        expect_value_error(lambda: list(training.batches(10, size, seeded_random(0))))


@pytest.mark.exercise("sgd_step")
class TestSgdStep:
    def test_moves_each_parameter_against_its_gradient(self):
        params = [value(1.0), value(-2.0), value(0.5)]
        for p, g in zip(params, [0.5, -4.0, 0.0], strict=True):
            p.grad = g
        call(training.sgd_step, params, 0.1)
        got = [p.data for p in params]
        expected = [1.0 - 0.05, -2.0 + 0.4, 0.5]
        assert all(math.isclose(g, e) for g, e in zip(got, expected, strict=True)), (
            "sgd_step([Value(1), Value(-2), Value(0.5)], lr=0.1) with grads [0.5, -4, 0]\n"
            f"  expected data {expected}\n  got           {got}"
        )

    def test_takes_any_iterable(self):
        params = [value(1.0), value(2.0)]
        for p in params:
            p.grad = 1.0
        training.sgd_step((p for p in params), 0.5)
        got = [p.data for p in params]
        assert got == [0.5, 1.5], (
            "sgd_step(a generator of two Values with grad 1, lr=0.5)\n"
            f"  expected data [0.5, 1.5]\n  got           {got}"
        )

    def test_a_small_step_goes_downhill(self):
        w = value(0.0)
        loss = (w - 3) ** 2
        loss.backward()
        training.sgd_step([w], 0.1)
        after = (w.data - 3) ** 2
        assert after < loss.data, (
            "w = Value(0); loss = (w - 3) ** 2; loss.backward(); sgd_step([w], 0.1)\n"
            f"  expected the loss to fall from {loss.data}\n  got      {after} (w = {w.data})"
        )


# The training tests train the grader's MLP (seeded) where the learner's code runs, read
# its weights back, and check what any loop that follows the contract must do, whatever
# order it shuffles in. What the weights should be, or what they score, the oracle says.


def accuracy(numbers: list[float], nouts: list[int], X, y) -> float:
    """The share of X that the contract's MLP with these weights puts on the right side."""
    params = [Dual(w) for w in numbers]
    outputs = [contract_mlp(params, nouts, x)[0].x for x in X]
    return sum((out > 0) == (label > 0) for out, label in zip(outputs, y, strict=True)) / len(X)


def sgd_replay(numbers: list[float], nouts: list[int], x: list[float], label: int, lr: float):
    """One hinge-loss step of SGD on one sample, by the oracle: the new weights, the loss."""
    (out,) = contract_mlp(Dual.inputs(numbers), nouts, x)
    loss = (1 - label * out).relu()
    return [w - lr * g for w, g in zip(numbers, loss.d, strict=True)], loss.x


def train_recording(train: object, model: object, X: list, y: list, **kwargs: object) -> list:
    """Runs where the learner's code does: train(recorder, X, y, **kwargs), the recorder
    handing each call on to model and noting what it was called on, as numbers (read
    through .data for Values), or None for what is no sequence of numbers."""
    seen = []

    class Recorder:
        def __call__(self, x):
            try:
                seen.append([float(getattr(v, "data", v)) for v in x])
            except (TypeError, ValueError):
                seen.append(None)
            return model(x)

        def parameters(self):
            return model.parameters()

        def zero_grad(self):
            model.zero_grad()

    train(Recorder(), X, y, **kwargs)
    return seen


def epoch_losses(history, text: str) -> list[float]:
    """The losses train returned, as numbers. Whether they are floats is the business of
    test_returns_one_mean_loss_per_epoch alone, so Values are read here too."""
    try:
        return [float(getattr(loss, "data", loss)) for loss in history]
    except (TypeError, ValueError):
        raise AssertionError(
            f"{text}\n  expected a list of losses, one per epoch\n  got      {show(history)}"
        ) from None


def sample_index(numbers: list[float] | None, X) -> int | None:
    """Which row of X the model was given, by the numbers `train_recording` noted: a loop
    may hand the model a row as it is, a copy, or the row turned into Values (None when
    it is no row of X)."""
    return next((i for i, row in enumerate(X) if numbers == list(row)), None)


def moons(n: int, seed: int):
    X, labels = two_moons(n, noise=0.1, seed=seed)
    return X, [1 if label == 1 else -1 for label in labels]


@pytest.mark.exercise("train")
class TestTrain:
    def test_returns_one_mean_loss_per_epoch(self):
        X, y = moons(8, seed=1)
        got = call(training.train, mlp(2, [4, 1], seed=0), X, y, epochs=3, batch_size=4)
        assert isinstance(got.value, list) and len(got.value) == 3, (
            f"{got.text}\n  expected a list of 3 losses (one per epoch)"
            f"\n  got      {show(got.value)}"
        )
        assert all(type(x) is float and x >= 0 for x in got.value), (
            f"{got.text}\n  expected non-negative floats (loss.data, not Values)"
            f"\n  got      {show(got.value)}"
        )

    @pytest.mark.points(2)
    def test_each_step_uses_only_its_own_gradient(self):
        # Ten copies of one sample: every batch has the same loss, whatever the shuffle,
        # so the three steps of one epoch (batches of 4, 4, 2) can be replayed exactly.
        x, label, lr = [0.5, -0.3], 1, 0.1
        X, y = [list(x) for _ in range(10)], [label] * 10
        model = mlp(2, [4, 1], seed=3)
        expected, batch_losses = weights(model), []
        text = "train(model, 10 copies of one sample, epochs=1, lr=0.1, batch_size=4)"
        history = training.train(model, X, y, epochs=1, lr=lr, batch_size=4, seed=0)
        for _ in range(3):
            expected, loss = sgd_replay(expected, [4, 1], x, label, lr)
            batch_losses.append(loss)
        got = weights(model)
        worst = max(abs(g - e) for g, e in zip(got, expected, strict=True))
        assert worst < 1e-9, (
            f"{text}: three steps\n"
            "  expected each step to use the gradient of its own batch only: zero the "
            "gradients before every backward(), and take one step per batch\n"
            f"  got      parameters off by up to {worst:.3g}\n"
            f"  expected {[round(e, 6) for e in expected]}\n"
            f"  got      {[round(g, 6) for g in got]}"
        )
        losses = epoch_losses(history, text)
        means = [sum(batch_losses) / 3, (4 * sum(batch_losses[:2]) + 2 * batch_losses[2]) / 10]
        assert any(math.isclose(losses[0], m, rel_tol=1e-9) for m in means), (
            f"{text}, whose three batches had losses {batch_losses}\n"
            f"  expected the epoch's mean loss: {means[0]!r} (mean of the batch losses)"
            f" or {means[1]!r} (mean over the samples)\n  got      {losses[0]!r}"
        )

    def test_each_epoch_sees_every_sample_once_in_a_new_order(self):
        X, y = moons(12, seed=5)
        model = mlp(2, [3, 1], seed=2)
        kwargs = {"epochs": 2, "batch_size": 5, "seed": 0}
        rows = run_there(train_recording, training.train, model, X, y, **kwargs)
        seen = [sample_index(numbers, X) for numbers in rows]
        text = "train(model, 12 samples, epochs=2, batch_size=5): the samples model(x) saw"
        assert None not in seen, (
            f"{text}\n  expected model(x) called on the rows of X (as numbers or as Values)\n"
            f"  got      {seen.count(None)} call(s) on something else"
        )
        assert len(seen) == 24, (
            f"{text}\n  expected 24 forward passes (12 per epoch)\n  got {len(seen)}"
        )
        first, second = seen[:12], seen[12:]
        assert sorted(first) == sorted(second) == list(range(12)), (
            f"{text}\n  expected every sample once per epoch\n  got      {first} then {second}"
        )
        assert first != second, (
            f"{text}\n  expected a new shuffle each epoch (one rng, made once, moving on)\n"
            f"  got      the same order twice: {first}"
        )

    def test_the_same_seed_gives_the_same_run(self):
        X, y = moons(12, seed=2)
        text = "train(the same model and data, seed=4), twice"
        first = training.train(mlp(2, [4, 1], seed=1), X, y, epochs=3, batch_size=5, seed=4)
        second = training.train(mlp(2, [4, 1], seed=1), X, y, epochs=3, batch_size=5, seed=4)
        first, second = epoch_losses(first, text), epoch_losses(second, text)
        assert first == second, (
            f"{text}\n"
            "  expected the same losses: shuffle with random.Random(seed), made once\n"
            f"  got      {first}\n  then     {second}"
        )

    @pytest.mark.points(3)
    def test_learns_two_moons(self):
        X, y = moons(40, seed=0)
        model = mlp(2, [8, 1], seed=0)
        before = accuracy(weights(model), [8, 1], X, y)
        text = "train(MLP(2, [8, 1]), 40 points of two moons, epochs=40, lr=0.1, batch_size=10)"
        losses = training.train(model, X, y, epochs=40, lr=0.1, batch_size=10, seed=0)
        losses, after = epoch_losses(losses, text), accuracy(weights(model), [8, 1], X, y)
        assert losses[-1] < losses[0], (
            f"{text}\n  expected the loss to fall\n  got      {losses[0]:.4f} first, "
            f"{losses[-1]:.4f} last"
        )
        assert after >= 0.9, (
            f"{text}\n  expected accuracy >= 0.9 on the training points\n"
            f"  got      {after:.3f} (it was {before:.3f} before training)"
        )
