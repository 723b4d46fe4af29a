"""Binary payloads from anywhere, candidates included: packed floats and `.npy` arrays, each
checked against its own length before anything is allocated, never unpickled."""

import array
import binascii
import io
import math
from typing import Any

_array, _a2b_base64 = array.array, binascii.a2b_base64


def b64_bytes(text: Any) -> bytes:
    if type(text) is not str:
        raise ValueError(f"expected a string in encoded data, got {type(text).__name__}")
    return _a2b_base64(text, strict_mode=True)


def unpack(text: Any) -> list[float]:
    """A packed float list; raises ValueError if it is malformed (it may come from a candidate)."""
    raw = b64_bytes(text)
    if len(raw) % 8:
        raise ValueError("packed floats must be a whole number of 8-byte values")
    floats = _array("d")
    floats.frombytes(raw)
    return floats.tolist()


def load_npy(text: Any, scalar: bool = False) -> Any:
    """An array (or a 0-d one's scalar) from `.npy` bytes. The header is read first and the data
    must be exactly as long as it says: a forged shape cannot make this side allocate, and object
    arrays, which would need pickle, are refused."""
    import numpy

    stream = io.BytesIO(b64_bytes(text))
    shape, fortran, dtype = _npy_header(numpy, stream)
    if dtype.hasobject:
        raise ValueError("an array of Python objects cannot be carried; use a numeric dtype")
    if scalar and shape != ():
        raise ValueError("a numpy scalar must be a 0-d array")
    data = stream.read()
    size = dtype.itemsize * math.prod(shape)
    if len(data) != size:
        raise ValueError(f"array data is {len(data)} bytes; its header says {size}")
    loaded = numpy.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
    return loaded[()] if scalar else loaded.copy()


def _npy_header(numpy: Any, stream: io.BytesIO) -> tuple[tuple[int, ...], bool, Any]:
    npy = numpy.lib.format
    try:
        version = npy.read_magic(stream)
        read = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}[version]
        shape, fortran, dtype = read(stream)
    except (KeyError, OSError, EOFError, TypeError, SyntaxError) as exc:  # numpy's own errors
        raise ValueError(f"not a readable .npy array: {exc!r}"[:200]) from None
    return tuple(shape), bool(fortran), dtype
