"""The string hashes TensorFlow's hashing ops use, in pure Python, so that hashed buckets match Keras.

* ``fingerprint64``: FarmHash's ``Fingerprint64`` (the ``farmhashna`` 64-bit hash), behind
  ``tf.strings.to_hash_bucket_fast``.
* ``siphash24``: SipHash-2-4 with a 128-bit key given as two 64-bit words, behind
  ``tf.strings.to_hash_bucket_strong``.
* ``fingerprint_cat64``: the combination of two fingerprints used by ``tf.sparse.cross_hashed``.

The hashes are written over Python ints masked to 64 bits; array helpers hash each distinct string once.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

import numpy as np

_MASK = (1 << 64) - 1
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F
_CROSS_SEED = 0xDECAFCAFFE  # the default ``hash_key`` of TensorFlow's hashed sparse cross


def _fetch64(s: bytes, i: int) -> int:
    return struct.unpack_from("<Q", s, i)[0]


def _fetch32(s: bytes, i: int) -> int:
    return struct.unpack_from("<I", s, i)[0]


def _rotate(value: int, shift: int) -> int:
    if shift == 0:
        return value
    return ((value >> shift) | (value << (64 - shift))) & _MASK


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _hash_len16(u: int, v: int, mul: int) -> int:
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _hash_len0to16(s: bytes) -> int:
    n = len(s)
    if n >= 8:
        mul = _K2 + n * 2
        a = (_fetch64(s, 0) + _K2) & _MASK
        b = _fetch64(s, n - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK
        d = ((_rotate(a, 25) + b) * mul) & _MASK
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = _K2 + n * 2
        a = _fetch32(s, 0)
        return _hash_len16(n + (a << 3), _fetch32(s, n - 4), mul)
    if n > 0:
        y = (s[0] + (s[n >> 1] << 8)) & 0xFFFFFFFF
        z = (n + (s[n - 1] << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _hash_len17to32(s: bytes) -> int:
    n = len(s)
    mul = _K2 + n * 2
    a = (_fetch64(s, 0) * _K1) & _MASK
    b = _fetch64(s, 8)
    c = (_fetch64(s, n - 8) * mul) & _MASK
    d = (_fetch64(s, n - 16) * _K2) & _MASK
    return _hash_len16(
        (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK,
        (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK,
        mul,
    )


def _hash_len33to64(s: bytes) -> int:
    n = len(s)
    mul = _K2 + n * 2
    a = (_fetch64(s, 0) * _K2) & _MASK
    b = _fetch64(s, 8)
    c = (_fetch64(s, n - 8) * mul) & _MASK
    d = (_fetch64(s, n - 16) * _K2) & _MASK
    y = (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_fetch64(s, 16) * mul) & _MASK
    f = _fetch64(s, 24)
    g = ((y + _fetch64(s, n - 32)) * mul) & _MASK
    h = ((z + _fetch64(s, n - 24)) * mul) & _MASK
    return _hash_len16(
        (_rotate((e + f) & _MASK, 43) + _rotate(g, 30) + h) & _MASK,
        (e + _rotate((f + a) & _MASK, 18) + g) & _MASK,
        mul,
    )


def _weak_hash_len32_with_seeds(s: bytes, i: int, a: int, b: int) -> tuple[int, int]:
    w, x, y, z = _fetch64(s, i), _fetch64(s, i + 8), _fetch64(s, i + 16), _fetch64(s, i + 24)
    a = (a + w) & _MASK
    b = _rotate((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotate(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def fingerprint64(data: bytes) -> int:
    """FarmHash ``Fingerprint64`` of ``data``, as an unsigned 64-bit Python int.

    Args:
        data: the bytes to hash.

    Returns:
        The fingerprint, in ``[0, 2**64)``.
    """
    n = len(data)
    if n <= 16:
        return _hash_len0to16(data)
    if n <= 32:
        return _hash_len17to32(data)
    if n <= 64:
        return _hash_len33to64(data)
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v = (0, 0)
    w = (0, 0)
    x = (x * _K2 + _fetch64(data, 0)) & _MASK
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    i = 0
    while True:
        x = (_rotate((x + y + v[0] + _fetch64(data, i + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_rotate((y + v[1] + _fetch64(data, i + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w[1]
        y = (y + v[0] + _fetch64(data, i + 40)) & _MASK
        z = (_rotate((z + w[0]) & _MASK, 33) * _K1) & _MASK
        v = _weak_hash_len32_with_seeds(data, i, (v[1] * _K1) & _MASK, (x + w[0]) & _MASK)
        w = _weak_hash_len32_with_seeds(data, i + 32, (z + w[1]) & _MASK, (y + _fetch64(data, i + 16)) & _MASK)
        z, x = x, z
        i += 64
        if i == end:
            break
    mul = _K1 + ((z & 0xFF) << 1)
    i = last64
    w0 = (w[0] + ((n - 1) & 63)) & _MASK
    v0 = (v[0] + w0) & _MASK
    w0 = (w0 + v0) & _MASK
    v = (v0, v[1])
    w = (w0, w[1])
    x = (_rotate((x + y + v[0] + _fetch64(data, i + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rotate((y + v[1] + _fetch64(data, i + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w[1] * 9) & _MASK
    y = (y + v[0] * 9 + _fetch64(data, i + 40)) & _MASK
    z = (_rotate((z + w[0]) & _MASK, 33) * mul) & _MASK
    v = _weak_hash_len32_with_seeds(data, i, (v[1] * mul) & _MASK, (x + w[0]) & _MASK)
    w = _weak_hash_len32_with_seeds(data, i + 32, (z + w[1]) & _MASK, (y + _fetch64(data, i + 16)) & _MASK)
    z, x = x, z
    return _hash_len16(
        (_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
        (_hash_len16(v[1], w[1], mul) + x) & _MASK,
        mul,
    )


def _sip_round(v0: int, v1: int, v2: int, v3: int) -> tuple[int, int, int, int]:
    v0 = (v0 + v1) & _MASK
    v1 = _rotate_left(v1, 13) ^ v0
    v0 = _rotate_left(v0, 32)
    v2 = (v2 + v3) & _MASK
    v3 = _rotate_left(v3, 16) ^ v2
    v0 = (v0 + v3) & _MASK
    v3 = _rotate_left(v3, 21) ^ v0
    v2 = (v2 + v1) & _MASK
    v1 = _rotate_left(v1, 17) ^ v2
    v2 = _rotate_left(v2, 32)
    return v0, v1, v2, v3


def _rotate_left(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def siphash24(key: tuple[int, int], data: bytes) -> int:
    """SipHash-2-4 of ``data`` under the 128-bit key ``(key[0], key[1])``, as an unsigned 64-bit int.

    Args:
        key: two integers, the low and high 64-bit words of the key (taken modulo ``2**64``).
        data: the bytes to hash.

    Returns:
        The hash, in ``[0, 2**64)``.
    """
    k0, k1 = key[0] & _MASK, key[1] & _MASK
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573
    n = len(data)
    full = n - n % 8
    for i in range(0, full, 8):
        m = _fetch64(data, i)
        v3 ^= m
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
        v0 ^= m
    last = int.from_bytes(data[full:], "little") | ((n & 0xFF) << 56)
    v3 ^= last
    v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    v0 ^= last
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = _sip_round(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def fingerprint_cat64(fp1: int, fp2: int) -> int:
    """Combine two 64-bit fingerprints into one, as TensorFlow's ``FingerprintCat64`` does.

    Args:
        fp1: the running fingerprint.
        fp2: the fingerprint (or integer feature, taken modulo ``2**64``) to fold in.

    Returns:
        The combined fingerprint, in ``[0, 2**64)``.
    """
    mul = 0xC6A4A7935BD1E995
    result = (fp1 & _MASK) ^ mul
    result ^= (_shift_mix(((fp2 & _MASK) * mul) & _MASK) * mul) & _MASK
    result = (result * mul) & _MASK
    result = (_shift_mix(result) * mul) & _MASK
    return _shift_mix(result)


def cross_fingerprint(features: list[int]) -> int:
    """The hashed cross of one row's features (each already a fingerprint or an int64 value).

    Args:
        features: the per-input features of the row, in input order.

    Returns:
        The 64-bit cross fingerprint (reduce it modulo the number of bins).
    """
    result = _CROSS_SEED
    for feature in features:
        result = fingerprint_cat64(result, feature)
    return result


def to_bytes(value: Any, encoding: str = "utf-8") -> bytes:
    """The bytes TensorFlow would hash for one element: strings encoded, integers as decimal text.

    Args:
        value: a ``str``, ``bytes`` or integer element.
        encoding: the text encoding of ``str`` elements.

    Returns:
        The bytes.

    Raises:
        TypeError: for any other element type.
    """
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode(encoding)
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return str(int(value)).encode("ascii")
    raise TypeError(f"expected strings, bytes or integers to hash, received a {type(value).__name__}: {value!r}.")


def hash_array(values: np.ndarray, hasher: Callable[[bytes], int], encoding: str = "utf-8") -> np.ndarray:
    """Apply ``hasher`` to every element of ``values`` (each distinct element is hashed once).

    Args:
        values: an array of strings, bytes or integers (any shape).
        hasher: a function from bytes to an unsigned 64-bit int.
        encoding: the text encoding of ``str`` elements.

    Returns:
        A ``uint64`` array of the same shape.
    """
    memo: dict[Any, int] = {}

    def one(value: Any) -> int:
        found = memo.get(value)
        if found is None:
            found = memo[value] = hasher(to_bytes(value, encoding))
        return found

    flat = values.reshape(-1).tolist()
    return np.fromiter((one(v) for v in flat), np.uint64, len(flat)).reshape(values.shape)
