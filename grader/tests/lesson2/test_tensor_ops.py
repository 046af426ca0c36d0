"""Lesson 2: tensor operations, each compared with PyTorch's own on many shapes.

Every test calls the learner's `lesson2/tensor_ops.py`. The reference values come from
torch itself (torch.broadcast_shapes, torch.matmul, torch.softmax, F.normalize),
computed in float64 on the CPU and cast to the dtype and device under test, so any
correct implementation passes. Every tensor op runs on each device the `device`
fixture gives: the CPU always, a GPU when there is one.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from grader.testkit import Called, call, exercise_module, expect_raises, show
from grader.torchkit import FLOATS, expect_same, forbidden, magnitude, needs, random_tensor

ops = exercise_module("lesson2.tensor_ops")

LOW_PRECISION = [torch.float16, torch.bfloat16]

seeds = st.integers(0, 2**16)
dtypes = st.sampled_from(FLOATS)


# --- shapes -------------------------------------------------------------------------


@st.composite
def broadcastable(draw, min_dims: int = 0, max_dims: int = 4, max_side: int = 4):
    """Two shapes that broadcast: each keeps the last few axes of a common shape,
    with some of its sizes replaced by 1."""
    common = draw(st.lists(st.integers(1, max_side), min_size=min_dims, max_size=max_dims))

    def operand() -> tuple[int, ...]:
        n = draw(st.integers(min_dims, len(common)))
        return tuple(draw(st.sampled_from([size, 1])) for size in common[len(common) - n :])

    return operand(), operand()


@st.composite
def incompatible(draw):
    """Two shapes that do not broadcast: one axis (counted from the right) holds two
    different sizes, neither of them 1."""
    a, b = draw(broadcastable(min_dims=1))
    i = draw(st.integers(1, min(len(a), len(b))))
    p, q = draw(st.lists(st.integers(2, 5), min_size=2, max_size=2, unique=True))
    a = (*a[: len(a) - i], p, *a[len(a) - i + 1 :])
    b = (*b[: len(b) - i], q, *b[len(b) - i + 1 :])
    return a, b


@st.composite
def shape_and_dim(draw, min_dims: int = 1, max_dims: int = 4):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=min_dims, max_size=max_dims)))
    return shape, draw(st.integers(-len(shape), len(shape) - 1))


# --- helpers --------------------------------------------------------------------------


def reference(op, *tensors: torch.Tensor, **kwargs: Any) -> torch.Tensor:
    """torch's own op in float64 on the CPU, cast back to the first input's dtype and device."""
    first = tensors[0]
    exact = op(*(t.detach().to("cpu", torch.float64) for t in tensors), **kwargs)
    return exact.to(dtype=first.dtype, device=first.device)


def expect_finite(got: Called) -> None:
    value = got.value
    if isinstance(value, torch.Tensor) and not torch.isfinite(value).all():
        raise AssertionError(
            f"{got.text}\n  expected only finite numbers\n  got      {show(value)}\n"
            "  (nan or inf: an exp overflowed, or something was divided by zero)"
        )


MATRIX_PRODUCTS = [
    (torch.Tensor, "__matmul__", "the @ operator"),
    (torch.Tensor, "__rmatmul__", "the @ operator"),
    *((torch, name, f"torch.{name}") for name in (
        "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "einsum", "tensordot",
        "addmm", "addbmm", "baddbmm", "addmv", "chain_matmul",
    )),
    *((torch.Tensor, name, f"Tensor.{name}") for name in (
        "matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "addmm", "addbmm", "baddbmm",
        "addmv",
    )),
    *((torch.functional, name, f"torch.{name}") for name in ("einsum", "tensordot")),
    (torch.linalg, "matmul", "torch.linalg.matmul"),
    (torch.linalg, "multi_dot", "torch.linalg.multi_dot"),
    (torch.linalg, "vecdot", "torch.linalg.vecdot"),
    (F, "linear", "F.linear"),
    (F, "bilinear", "F.bilinear"),
]  # fmt: skip

SOFTMAXES = [
    (torch, "softmax", "torch.softmax"),
    (torch, "log_softmax", "torch.log_softmax"),
    (torch, "_softmax", "torch._softmax"),
    (F, "softmax", "F.softmax"),
    (F, "log_softmax", "F.log_softmax"),
    (torch.special, "softmax", "torch.special.softmax"),
    (torch.special, "log_softmax", "torch.special.log_softmax"),
    (torch.Tensor, "softmax", "Tensor.softmax"),
    (torch.Tensor, "log_softmax", "Tensor.log_softmax"),
]

BROADCASTERS = [
    (torch, "broadcast_shapes", "torch.broadcast_shapes"),
    (torch.functional, "broadcast_shapes", "torch.broadcast_shapes"),
    (torch, "broadcast_tensors", "torch.broadcast_tensors"),
    (torch, "broadcast_to", "torch.broadcast_to"),
]


# --- broadcast_shape ------------------------------------------------------------------


def expect_shape(got: Called, a, b) -> None:
    expected = tuple(torch.broadcast_shapes(tuple(a), tuple(b)))
    value = got.value
    assert isinstance(value, tuple), (
        f"{got.text}\n  expected the tuple {expected}\n  got      {show(value)}"
        f" ({type(value).__name__}, not a tuple)"
    )
    assert value == expected, f"{got.text}\n  expected {expected}\n  got      {show(value)}"


def names_shape(message: str, shape: tuple[int, ...]) -> bool:
    squeezed = message.replace(" ", "")
    forms = (str(tuple(shape)), str(list(shape)))
    return any(form.replace(" ", "") in squeezed for form in forms)


@pytest.mark.exercise("broadcast_shape")
class TestBroadcastShape:
    @pytest.mark.parametrize(
        "a, b",
        [
            ((8, 1, 3), (4, 1)),
            ((), (2,)),
            ((5, 4), (1,)),
            ((5, 4), (4,)),
            ((3, 1), (1, 4)),
            ((2, 3), (2, 3)),
            ((1,), (7, 1, 1)),
            ((6, 1, 5), ()),
        ],
    )
    def test_known_pairs(self, a, b):
        expect_shape(call(ops.broadcast_shape, a, b), a, b)

    @given(broadcastable(), st.sampled_from([tuple, list, torch.Size]))
    def test_matches_torch(self, shapes, kind):
        a, b = (kind(s) for s in shapes)
        expect_shape(call(ops.broadcast_shape, a, b), a, b)

    @pytest.mark.parametrize("a, b", [((0,), (1,)), ((1,), (0,)), ((2, 1), (0,)), ((3, 0), (3, 1))])
    def test_a_one_stretches_to_zero(self, a, b):
        """A size of 1 stretches to the other size, even when that size is 0."""
        expect_shape(call(ops.broadcast_shape, a, b), a, b)

    @pytest.mark.parametrize(
        "a, b",
        [((2, 3), (4,)), ((3,), (2, 4)), ((2, 1, 3), (5, 2)), ((0,), (2,)), ((4, 2), (4, 3))],
    )
    def test_incompatible_shapes_are_an_error(self, a, b):
        expect_raises(ValueError, ops.broadcast_shape, a, b)

    @given(incompatible())
    def test_any_incompatible_pair_is_an_error_that_names_both_shapes(self, shapes):
        a, b = shapes
        error = expect_raises(ValueError, ops.broadcast_shape, a, b)
        assert names_shape(str(error), a) and names_shape(str(error), b), (
            f"broadcast_shape({a}, {b}) raised ValueError({str(error)!r})\n"
            f"  expected the message to name both shapes, {a} and {b}"
        )

    def test_pure_shape_arithmetic(self):
        """Shapes far too large to allocate: only arithmetic on the sizes can answer."""
        a, b = (2**62, 1, 3), (5, 1)
        expect_shape(call(ops.broadcast_shape, a, b), a, b)

    def test_works_the_rules_out_itself(self):
        rule = "broadcast_shape must apply the rules itself, not ask torch"
        pairs = [((8, 1, 3), (4, 1)), ((2, 3), (3,)), ((1,), (4, 4))]
        with forbidden(ops.broadcast_shape, rule, BROADCASTERS):
            for a, b in pairs:
                ops.broadcast_shape(a, b)


# --- matmul ---------------------------------------------------------------------------


@st.composite
def matmul_shapes(draw):
    """(..., n, k) and (..., k, m) with batch dimensions that broadcast."""
    batch_a, batch_b = draw(broadcastable(max_dims=3, max_side=3))
    n, k, m = (draw(st.integers(1, 4)) for _ in range(3))
    return (*batch_a, n, k), (*batch_b, k, m)


@pytest.mark.exercise("matmul")
class TestMatmul:
    def test_two_by_three_times_three_by_two(self, device):
        a = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], device=device)
        b = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, -1.0]], device=device)
        expect_same(call(ops.matmul, a, b), reference(torch.matmul, a, b))

    def test_not_element_wise(self, device):
        a = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device=device)
        b = torch.tensor([[0.0, 1.0], [1.0, 0.0]], device=device)
        expect_same(call(ops.matmul, a, b), reference(torch.matmul, a, b))

    @given(shapes=matmul_shapes(), dtype=dtypes, seed=seeds)
    def test_matches_torch_with_broadcast_batches(self, device, shapes, dtype, seed):
        a = random_tensor(shapes[0], seed, dtype, device)
        b = random_tensor(shapes[1], seed + 1, dtype, device)
        expect_same(call(ops.matmul, a, b), reference(torch.matmul, a, b))

    @pytest.mark.parametrize(
        "shape_a, shape_b",
        [
            ((5, 3, 4), (4, 2)),
            ((3, 4), (2, 1, 4, 2)),
            ((2, 1, 3, 2), (4, 2, 5)),
            ((1, 2), (6, 2, 1)),
        ],
        ids=["batch-times-matrix", "matrix-times-batch", "both-batched", "batch-of-one"],
    )
    def test_batch_dimensions_broadcast(self, device, shape_a, shape_b):
        a, b = random_tensor(shape_a, 1, device=device), random_tensor(shape_b, 2, device=device)
        expect_same(call(ops.matmul, a, b), reference(torch.matmul, a, b))

    @pytest.mark.parametrize(
        "shape_a, shape_b",
        [((2, 3), (4, 2)), ((2, 3), (1, 5)), ((2, 1), (3, 5)), ((4, 2, 3), (2, 2))],
    )
    def test_inner_sizes_must_agree(self, device, shape_a, shape_b):
        a, b = torch.ones(shape_a, device=device), torch.ones(shape_b, device=device)
        expect_raises(ValueError, ops.matmul, a, b)

    @pytest.mark.parametrize("dtype", LOW_PRECISION, ids=str)
    def test_keeps_low_precision_dtypes(self, device, dtype):
        a = random_tensor((2, 3, 4), 3, dtype, device, scale=0.5)
        b = random_tensor((4, 5), 4, dtype, device, scale=0.5)
        expect_same(call(ops.matmul, a, b), reference(torch.matmul, a, b))

    @pytest.mark.points(2)
    def test_no_built_in_matrix_product(self, device):
        rule = "matmul must be built from broadcasting, element-wise multiplication and sum"
        a = random_tensor((2, 3, 4), 5, device=device)
        b = random_tensor((4, 2), 6, device=device)
        expected = reference(torch.matmul, a, b)
        with forbidden(ops.matmul, rule, MATRIX_PRODUCTS):
            got = call(ops.matmul, a, b)
        expect_same(got, expected)


# --- softmax --------------------------------------------------------------------------


def expect_softmax(got: Called, x: torch.Tensor, dim: int = -1) -> None:
    """got against torch.softmax(x, dim), as exactly as x's magnitude allows: a correct
    softmax may round its exponents there (exp(x - logsumexp(x)) at x = 1000 in float32
    is off in the fifth digit, which is float32's precision at 1000)."""
    expect_same(got, reference(torch.softmax, x, dim=dim), magnitude=magnitude(x))


@pytest.mark.exercise("softmax")
class TestSoftmax:
    def test_small_vector(self, device):
        x = torch.tensor([1.0, 2.0, 3.0], device=device)
        expect_softmax(call(ops.softmax, x), x)

    @given(shape_and_dim(), dtypes, seeds, st.sampled_from([0.1, 1.0, 10.0]))
    def test_matches_torch_along_any_dim(self, device, shape_dim, dtype, seed, scale):
        shape, dim = shape_dim
        x = random_tensor(shape, seed, dtype, device, scale)
        expect_softmax(call(ops.softmax, x, dim=dim), x, dim=dim)

    def test_default_dim_is_the_last(self, device):
        x = random_tensor((3, 4), 7, device=device)
        expect_softmax(call(ops.softmax, x), x)

    @pytest.mark.points(2)
    @pytest.mark.parametrize(
        "values",
        [
            [1000.0, 1000.0],
            [-1000.0, -1000.0],
            [1000.0, 0.0, -1000.0],
            [100.0, 90.0],
            [1e-30, -1e-30, 0.0],
            [-math.inf, 0.0, 1.0],
        ],
        ids=["huge", "hugely-negative", "wide-range", "beyond-float32-exp", "tiny", "minus-inf"],
    )
    @pytest.mark.parametrize("dtype", FLOATS, ids=str)
    def test_stable_for_extreme_inputs(self, device, values, dtype):
        needs(dtype, device)
        x = torch.tensor(values, dtype=dtype, device=device)
        got = call(ops.softmax, x)
        expect_finite(got)
        expect_softmax(got, x)

    def test_each_row_stable_on_its_own(self, device):
        """Rows of very different sizes: each needs its own shift, not the tensor's maximum."""
        x = torch.tensor([[1000.0, 999.0], [-1000.0, -1001.0], [0.5, 0.25]], device=device)
        for dim in (-1, 0):
            got = call(ops.softmax, x, dim=dim)
            expect_finite(got)
            expect_softmax(got, x, dim=dim)

    @pytest.mark.parametrize("dtype", LOW_PRECISION, ids=str)
    def test_keeps_low_precision_dtypes(self, device, dtype):
        x = random_tensor((3, 5), 8, dtype, device, scale=3.0)
        expect_softmax(call(ops.softmax, x, dim=1), x, dim=1)

    @pytest.mark.points(2)
    def test_no_built_in_softmax(self, device):
        rule = "softmax must be built from exp, a maximum and a sum"
        x = random_tensor((2, 3, 4), 9, device=device)
        with forbidden(ops.softmax, rule, SOFTMAXES):
            got = call(ops.softmax, x, dim=1)
        expect_softmax(got, x, dim=1)


# --- normalize ------------------------------------------------------------------------


def f_normalize(x: torch.Tensor, dim: int = -1, eps: float = 1e-12) -> torch.Tensor:
    return F.normalize(x, p=2.0, dim=dim, eps=eps)


@pytest.mark.exercise("normalize")
class TestNormalize:
    def test_three_four_five(self, device):
        x = torch.tensor([3.0, 4.0], device=device)
        expect_same(call(ops.normalize, x), reference(f_normalize, x))

    @given(shape_and_dim(), dtypes, seeds, st.sampled_from([1e-3, 1.0, 1e3]))
    def test_matches_f_normalize_along_any_dim(self, device, shape_dim, dtype, seed, scale):
        shape, dim = shape_dim
        x = random_tensor(shape, seed, dtype, device, scale)
        expect_same(call(ops.normalize, x, dim=dim), reference(f_normalize, x, dim=dim))

    def test_default_dim_is_the_last(self, device):
        x = random_tensor((4, 3), 10, device=device)
        expect_same(call(ops.normalize, x), reference(f_normalize, x, dim=-1))

    @pytest.mark.points(2)
    @pytest.mark.parametrize("dtype", FLOATS, ids=str)
    def test_zero_vector_stays_zero(self, device, dtype):
        needs(dtype, device)
        x = torch.tensor([[0.0, 0.0, 0.0], [1.0, 2.0, 2.0]], dtype=dtype, device=device)
        got = call(ops.normalize, x, dim=1)
        expect_finite(got)
        expect_same(got, reference(f_normalize, x, dim=1))

    @pytest.mark.parametrize(
        "values, eps",
        [([3e-13, 4e-13], 1e-12), ([0.3, 0.4], 1.0), ([3.0, 4.0], 1.0), ([0.03, 0.04], 0.1)],
        ids=["shorter-than-default-eps", "shorter-than-eps", "longer-than-eps", "eps-0.1"],
    )
    def test_divides_by_eps_when_the_norm_is_smaller(self, device, values, eps):
        x = torch.tensor(values, device=device)
        expect_same(call(ops.normalize, x, eps=eps), reference(f_normalize, x, eps=eps))

    @pytest.mark.parametrize(
        "dtype, scale", [(torch.float32, 1e15), (torch.float64, 1e150), (torch.float32, 1e-15)]
    )
    def test_huge_and_tiny_vectors(self, device, dtype, scale):
        needs(dtype, device)
        x = torch.tensor([[3.0, 4.0], [-1.0, 1.0]], dtype=torch.float64).mul(scale).to(dtype)
        x = x.to(device)
        got = call(ops.normalize, x)
        expect_finite(got)
        expect_same(got, reference(f_normalize, x))

    @pytest.mark.parametrize("dtype", LOW_PRECISION, ids=str)
    def test_keeps_low_precision_dtypes(self, device, dtype):
        x = random_tensor((3, 4), 11, dtype, device)
        expect_same(call(ops.normalize, x, dim=0), reference(f_normalize, x, dim=0))


# --- to_grayscale ---------------------------------------------------------------------


def luminance(images: torch.Tensor) -> torch.Tensor:
    """The expected grey images, channel by channel in float64 (no broadcasting tricks)."""
    exact = images.detach().to("cpu", torch.float64)
    red, green, blue = exact[:, 0:1], exact[:, 1:2], exact[:, 2:3]
    grey = 0.299 * red + 0.587 * green + 0.114 * blue
    return grey.to(dtype=images.dtype, device=images.device)


@pytest.mark.exercise("to_grayscale")
class TestToGrayscale:
    @pytest.mark.parametrize("channel", [0, 1, 2], ids=["red", "green", "blue"])
    def test_pure_colours(self, device, channel):
        images = torch.zeros(1, 3, 2, 2, device=device)
        images[:, channel] = 1.0
        expect_same(call(ops.to_grayscale, images), luminance(images))

    def test_white_stays_white(self, device):
        images = torch.ones(2, 3, 4, 5, device=device)
        expect_same(call(ops.to_grayscale, images), luminance(images))

    @given(
        st.tuples(st.integers(1, 3), st.integers(1, 5), st.integers(1, 5)),
        st.sampled_from([*FLOATS, *LOW_PRECISION]),
        seeds,
    )
    def test_matches_the_formula(self, device, n_h_w, dtype, seed):
        n, h, w = n_h_w
        images = random_tensor((n, 3, h, w), seed, device=device).abs().clamp(max=1).to(dtype)
        expect_same(call(ops.to_grayscale, images), luminance(images))

    @pytest.mark.parametrize("shape", [(2, 4, 3, 3), (3, 5, 5), (2, 1, 4, 4), (1, 3, 2, 2, 2)])
    def test_needs_a_batch_of_rgb_images(self, device, shape):
        expect_raises(ValueError, ops.to_grayscale, torch.zeros(shape, device=device))
