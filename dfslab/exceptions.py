"""Exception classes: every failure names what went wrong and where."""

from __future__ import annotations


class DfslabError(Exception):
    """Base class of every dfslab error."""


class InputError(DfslabError, ValueError):
    """Malformed or inconsistent input (a file, a field, a row, a parameter).

    Subclasses ``ValueError`` so scikit-learn style callers that catch
    ``ValueError`` keep working.
    """


class DataFileError(InputError):
    """A data file is malformed. The message names the file, row and problem."""

    def __init__(self, path, problem: str, row: int | None = None):
        where = f"{path}" if row is None else f"{path}, row {row}"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.row = row
        self.problem = problem


class ResourceLimitError(InputError):
    """A call would need more memory (or work) than the configured limit; the message names the
    parameter, the estimate and the limit (see :func:`dfslab.set_memory_limit`)."""


class DfslabWarning(UserWarning):
    """Input was kept as given but looks wrong (e.g. ownership summing to 100 instead of 600); also in the
    object's ``notes``."""


class InfeasibleError(DfslabError):
    """An optimization has no solution; the message says which constraint binds."""


class DataNotFoundError(DfslabError, FileNotFoundError):
    """The real-data folder (``DFSLAB_DATA_DIR``) or a file in it is missing."""
