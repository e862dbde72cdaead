"""Where the real data lives: ``$DFSLAB_DATA_DIR``, else ``../shared/data`` beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

from ..exceptions import DataNotFoundError

_REPO_ROOT = Path(__file__).resolve().parents[2]  # the checkout (dfslab/utils/config.py)


def data_dir(required: bool = True) -> Path | None:
    """Return the real-data folder.

    ``$DFSLAB_DATA_DIR`` when set (even if it does not exist: set it to a
    missing path to run without data); otherwise ``../shared/data`` next to the
    repository, then ``../shared/data`` relative to the working directory.

    Parameters
    ----------
    required : bool
        Raise :class:`DataNotFoundError` when no folder is found (else return None).

    Examples
    --------
    >>> p = data_dir(required=False)
    >>> p is None or p.is_dir()
    True
    """
    env = os.environ.get("DFSLAB_DATA_DIR")
    # An explicit setting wins, even when it points nowhere (that is how to run "without data").
    candidates = [Path(env)] if env else [_REPO_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for c in candidates:
        if c.is_dir():
            return c.resolve()
    if required:
        raise DataNotFoundError(
            "real data folder not found: set DFSLAB_DATA_DIR or place it at "
            f"{_REPO_ROOT.parent / 'shared' / 'data'} (tried: {', '.join(map(str, candidates))})"
        )
    return None
