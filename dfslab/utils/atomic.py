"""Atomic file writes: a reader never sees a half-written or stale-looking output."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..exceptions import InputError


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    On any failure (full disk, permissions) the target is left as it was and the
    error names the file.

    Examples
    --------
    >>> import tempfile, os
    >>> p = atomic_write_bytes(os.path.join(tempfile.mkdtemp(), "x.txt"), b"hello")
    >>> p.read_bytes()
    b'hello'
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise InputError(f"{path}: cannot write here: {e.strerror or e}") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputError(f"{path}: could not be written ({e.strerror or e}); the previous file, if any, is unchanged") \
            from None
    return path


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> Path:
    """:func:`atomic_write_bytes` for text."""
    return atomic_write_bytes(path, text.encode(encoding))
