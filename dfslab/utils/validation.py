"""Shared parameter checks: seeds, numbers and resource guards, each failing with a message naming the parameter.

Every public entry point that takes a seed, a count, a fee or a fraction should
check it here rather than let numpy or Python raise a bare ``ValueError`` /
``TypeError`` deep inside. Resource guards estimate the memory a call would
need from its parameters and refuse before allocating it.
"""

from __future__ import annotations

import math
import numbers
import os

import numpy as np

from ..exceptions import InputError, ResourceLimitError

_DEFAULT_MEMORY_LIMIT_GB = 4.0
_memory_limit_gb: float | None = None


def check_random_state(random_state, name: str = "random_state") -> np.random.Generator:
    """A numpy Generator from ``None``, a non-negative integer, a Generator or a SeedSequence.

    A Generator is returned as is (draws continue its stream); the others seed a
    new one, so the same seed gives the same draws.

    Raises
    ------
    InputError
        Negative integers, floats, strings, bools and other types, naming ``name``.

    Examples
    --------
    >>> check_random_state(7).integers(100) == np.random.default_rng(7).integers(100)
    np.True_
    >>> check_random_state(-1)
    Traceback (most recent call last):
    ...
    dfslab.exceptions.InputError: random_state must be None, a non-negative integer, a numpy Generator or SeedSequence; got -1 (int)
    """
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(check_seed(random_state, name))


def check_seed(random_state, name: str = "random_state"):
    """Validate a seed without drawing from it: returns None, an int, a SeedSequence or a Generator unchanged."""
    if random_state is None or isinstance(random_state, (np.random.Generator, np.random.SeedSequence)):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, (bool, np.bool_)) \
            and int(random_state) >= 0:
        return int(random_state)
    raise InputError(f"{name} must be None, a non-negative integer, a numpy Generator or SeedSequence; "
                     f"got {random_state!r} ({type(random_state).__name__})")


def check_number(name: str, value, lo=None, hi=None, *, integer: bool = False, lo_open: bool = False,
                 hi_open: bool = False, allow_none: bool = False):
    """A finite real number (or whole number) within bounds, else :class:`InputError` naming ``name``.

    Strings are not converted ("20" is an error: say 20), nor are bools.
    Returns a Python ``int`` when ``integer`` (3.0 is accepted as 3), else a ``float``.

    Parameters
    ----------
    name : str
        The parameter's name, as the caller wrote it.
    lo, hi : float, optional
        Bounds, inclusive unless ``lo_open`` / ``hi_open``.
    allow_none : bool
        Return None for None instead of raising.

    Examples
    --------
    >>> check_number("entries", 100.0, lo=1, integer=True)
    100
    >>> check_number("entry_fee", "20", lo=0)
    Traceback (most recent call last):
    ...
    dfslab.exceptions.InputError: entry_fee must be a number, got '20' (str)
    """
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.integer, np.floating)):
        raise InputError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
    if isinstance(value, numbers.Integral):
        v = int(value)
    else:
        v = float(value)
        if not math.isfinite(v):
            raise InputError(f"{name} must be a finite number, got {value!r}")
    if integer:
        if isinstance(v, float):
            if not v.is_integer():
                raise InputError(f"{name} must be a whole number, got {value!r}")
            v = int(v)
    else:
        v = float(v)
    if lo is not None and (v <= lo if lo_open else v < lo):
        raise InputError(f"{name} must be {'>' if lo_open else '>='} {lo:g}, got {value!r}")
    if hi is not None and (v >= hi if hi_open else v > hi):
        raise InputError(f"{name} must be {'<' if hi_open else '<='} {hi:g}, got {value!r}")
    return v


def check_float_array(name: str, value) -> np.ndarray:
    """``value`` as a float64 array, or :class:`InputError` naming ``name`` when an entry is not a number.

    Examples
    --------
    >>> check_float_array("projections", [1, 2.5]).tolist()
    [1.0, 2.5]
    >>> check_float_array("projections", ["lots", 1])
    Traceback (most recent call last):
    ...
    dfslab.exceptions.InputError: projections: expected an array of numbers, got 'lots' (str)
    """
    if isinstance(value, (str, bytes)):
        raise InputError(f"{name}: expected an array of numbers, got {value!r}")
    try:
        arr = np.asarray(value)
    except ValueError:
        arr = None
    if arr is not None and arr.dtype.kind in "iuf":  # numbers already (lists of floats, Series, arrays)
        return arr.astype(np.float64, copy=False)
    try:
        obj = np.asarray(value, dtype=object)
    except ValueError:  # ragged nesting numpy cannot even hold as objects
        raise InputError(f"{name}: expected an array of numbers with rows of equal length") from None
    for v in obj.ravel():  # numpy would turn "20" into 20.0 silently; a string is an error, as in check_number
        if isinstance(v, (str, bytes, bool, np.bool_)) or not (v is None or isinstance(v, numbers.Real)):
            what = "rows of equal length" if isinstance(v, (list, tuple, np.ndarray)) else "numbers"
            raise InputError(f"{name}: expected an array of {what}, got {v!r} ({type(v).__name__})")
    return obj.astype(np.float64)


# ----------------------------------------------------------------------------- resource guards


def set_memory_limit(gb: float | None) -> float:
    """Set the memory a single dfslab call may plan to use, in GB (None: back to the default); returns the old one.

    The default is 4 GB, or ``$DFSLAB_MEMORY_LIMIT_GB``. Calls whose estimated
    memory exceeds it raise :class:`~dfslab.ResourceLimitError` before allocating.

    Examples
    --------
    >>> old = set_memory_limit(16)
    >>> memory_limit_gb()
    16.0
    >>> _ = set_memory_limit(old)
    """
    global _memory_limit_gb
    old = memory_limit_gb()
    _memory_limit_gb = None if gb is None else check_number("gb", gb, lo=0, lo_open=True)
    return old


def memory_limit_gb() -> float:
    """The current memory limit in GB (see :func:`set_memory_limit`)."""
    if _memory_limit_gb is not None:
        return _memory_limit_gb
    env = os.environ.get("DFSLAB_MEMORY_LIMIT_GB")
    if env:
        try:
            return check_number("DFSLAB_MEMORY_LIMIT_GB", float(env), lo=0, lo_open=True)
        except ValueError:
            raise InputError(f"DFSLAB_MEMORY_LIMIT_GB must be a positive number of GB, got {env!r}") from None
    return _DEFAULT_MEMORY_LIMIT_GB


def format_bytes(n: float) -> str:
    """'1.5 GB', '16 TB': decimal units, as a reader would say them."""
    for unit, k in (("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= k:
            return f"{n / k:.3g} {unit}"
    return f"{n:.0f} bytes"


def check_memory(n_bytes: float, *, what: str, param: str, value, detail: str = "", limit_gb: float | None = None):
    """Refuse a call whose estimated memory ``n_bytes`` exceeds the limit, naming the parameter that drives it.

    Raises
    ------
    ResourceLimitError
        "<what>: <param>=<value> needs about <estimate> (<detail>), over the limit of <limit>; ..."

    Examples
    --------
    >>> check_memory(8e6, what="prizes", param="n_places", value=10 ** 6)
    >>> check_memory(8e12, what="prizes", param="n_places", value=10 ** 12)
    Traceback (most recent call last):
    ...
    dfslab.exceptions.ResourceLimitError: prizes: n_places=1000000000000 needs about 8 TB of memory, over the limit of 4 GB; raise it with dfslab.set_memory_limit(gb) or DFSLAB_MEMORY_LIMIT_GB if the machine has the memory
    """
    limit = memory_limit_gb() if limit_gb is None else float(limit_gb)
    if n_bytes > limit * 1e9:
        raise ResourceLimitError(
            f"{what}: {param}={value} needs about {format_bytes(n_bytes)} of memory"
            f"{' (' + detail + ')' if detail else ''}, over the limit of {format_bytes(limit * 1e9)}; raise it with "
            "dfslab.set_memory_limit(gb) or DFSLAB_MEMORY_LIMIT_GB if the machine has the memory")


def int_seed(ss: np.random.SeedSequence) -> int:
    """A 32-bit integer seed drawn from a SeedSequence (for engines that take an int ``random_state``).

    Examples
    --------
    >>> int_seed(np.random.SeedSequence(0)) == int_seed(np.random.SeedSequence(0))
    True
    """
    return int(ss.generate_state(1, dtype=np.uint32)[0])
