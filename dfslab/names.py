"""One name normalisation for every join of a slate with another source.

DraftKings, NASCAR's loop data, the results database and vendors spell the same
driver differently: ``Daniel Suárez`` / ``Daniel Suarez``, ``Ricky Stenhouse Jr``
/ ``Ricky Stenhouse Jr.``, ``A.J. Allmendinger`` / ``AJ Allmendinger``,
``Shane van Gisbergen`` / ``Shane Van Gisbergen``, ``John H. Nemechek`` /
``John Hunter Nemechek``. Every place where a slate name meets another source
goes through :func:`match_names`, which matches in stages and reports how each
name matched:

1. ``exact`` -- the same string;
2. ``normalized`` -- the same :func:`name_key`: accents folded (``unidecode``),
   case, punctuation (``A.J.`` = ``AJ``), generational suffixes (Jr, Sr, II, III,
   IV) dropped, then the :data:`NAME_ALIASES` table applied;
3. ``initials dropped`` -- the same :func:`loose_key` (single-letter middle
   initials removed: ``Justin S Carroll`` = ``Justin Carroll``), used only when
   exactly one candidate has that key. The loop data holds ``Austin Hill`` and a
   different driver ``Austin J. Hill``: stage 2 keeps them apart, and stage 3 never
   merges two candidates.

A name no stage matches is reported as unmatched (never silently dropped or
treated as someone else); two slate names that reach the same candidate raise
:class:`~dfslab.InputError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .exceptions import InputError

# Spellings no rule can tie together (a nickname or a middle name written out).
# Keys and values are name_key() forms (before the alias is applied); the value is
# the canonical key. Found on the real slates, results and vendor files.
NAME_ALIASES: dict[str, str] = {
    "john h nemechek": "john hunter nemechek",   # DK / NASCAR 2026 vs the loop data
    "nicholas sanchez": "nick sanchez",          # DK slate vs the loop data
}

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_PUNCT = re.compile(r"[^a-z0-9 ]+")
_SPACE = re.compile(r"\s+")


def _fold(name) -> str:
    from unidecode import unidecode

    s = unidecode(str(name)).lower()
    s = s.replace(".", "").replace("'", "")           # "A.J." -> "aj", "O'Neil" -> "oneil"
    s = _PUNCT.sub(" ", s)                              # hyphens, commas -> spaces
    toks = [t for t in _SPACE.split(s.strip()) if t and t not in _SUFFIXES]
    return " ".join(toks)


def name_key(name, aliases: dict | None = None) -> str:
    """The normalised key of a driver name (stage 2 of :func:`match_names`).

    Examples
    --------
    >>> name_key("Daniel Suárez"), name_key("Ricky Stenhouse Jr."), name_key("A.J. Allmendinger")
    ('daniel suarez', 'ricky stenhouse', 'aj allmendinger')
    >>> name_key("John H. Nemechek") == name_key("John Hunter Nemechek")
    True
    """
    k = _fold(name)
    table = NAME_ALIASES if aliases is None else {**NAME_ALIASES, **aliases}
    return table.get(k, k)


def loose_key(name, aliases: dict | None = None) -> str:
    """:func:`name_key` without single-letter middle initials (stage 3).

    Examples
    --------
    >>> loose_key("Justin S Carroll"), loose_key("Austin J. Hill")
    ('justin carroll', 'austin hill')
    """
    toks = name_key(name, aliases).split()
    if len(toks) > 2:
        toks = [toks[0]] + [t for t in toks[1:-1] if len(t) > 1] + [toks[-1]]
    return " ".join(toks)


@dataclass
class NameMatch:
    """The result of :func:`match_names`: which candidate each name matched, and how.

    Attributes
    ----------
    names : list of str
        The names looked up (e.g. the slate's drivers), in order.
    candidates : list of str
        The distinct candidate names (e.g. the race history's drivers).
    index : ndarray of int
        Position in ``candidates`` of each name's match; -1 = unmatched.
    how : list of str
        "exact", "normalized", "alias", "initials dropped" or "unmatched".
    source, target : str
        Labels of the two sides, used in messages.
    """

    names: list
    candidates: list
    index: np.ndarray
    how: list
    source: str = "slate"
    target: str = "candidates"
    notes: list = field(default_factory=list)

    @property
    def matched(self) -> np.ndarray:
        """Boolean mask over ``names``."""
        return self.index >= 0

    @property
    def unmatched(self) -> list[str]:
        """Names with no match, in order."""
        return [n for n, i in zip(self.names, self.index) if i < 0]

    @property
    def matched_names(self) -> list:
        """The candidate name each name matched (None where unmatched)."""
        return [self.candidates[i] if i >= 0 else None for i in self.index]

    def table(self) -> pd.DataFrame:
        """One row per name: the name, the candidate it matched and how."""
        return pd.DataFrame({self.source: self.names, self.target: self.matched_names, "how": self.how})

    def summary(self) -> str:
        """One line: counts by stage and the unmatched names, for notes and logs."""
        counts = pd.Series(self.how).value_counts()
        parts = [f"{int(counts.get(k, 0))} {k}" for k in ("exact", "normalized", "alias", "initials dropped")
                 if counts.get(k, 0)]
        fuzzy = [f"{n} = {c}" for n, c, h in zip(self.names, self.matched_names, self.how) if h not in ("exact", "unmatched")]
        s = (f"{self.source} names matched to {self.target}: {int(self.matched.sum())} of {len(self.names)} "
             f"({', '.join(parts) or 'none'})")
        if fuzzy:
            s += f"; by spelling rule: {', '.join(fuzzy)}"
        if self.unmatched:
            s += f"; UNMATCHED: {', '.join(self.unmatched)}"
        return s

    def require_all(self) -> "NameMatch":
        """Raise :class:`~dfslab.InputError` naming every unmatched name; else return self."""
        if self.unmatched:
            raise InputError(f"{len(self.unmatched)} {self.source} name(s) not found in {self.target}: "
                             f"{self.unmatched} (spelling rules: dfslab.names; add a spelling to NAME_ALIASES "
                             "if it is the same driver)")
        return self

    def _repr_html_(self) -> str:
        t = self.table()
        head = f"<b>NameMatch</b> {self.source} &rarr; {self.target}: {int(self.matched.sum())} of {len(t)} matched"
        odd = t[t["how"] != "exact"]
        return head + ("" if odd.empty else odd.to_html(index=False))


def match_names(names, candidates, *, source: str = "slate", target: str = "candidates",
                aliases: dict | None = None) -> NameMatch:
    """Match each of ``names`` to one of ``candidates`` by the staged spelling rules.

    Parameters
    ----------
    names : sequence of str
        Names to look up (each must be distinct).
    candidates : sequence of str
        Names to find them in (repeats are collapsed; two spellings of one driver,
        such as ``Ricky Stenhouse Jr`` and ``Ricky Stenhouse Jr.``, match the first).
    source, target : str
        Labels of the two sides for messages ("slate", "race history", ...).
    aliases : dict, optional
        Extra ``name_key -> canonical name_key`` spellings on top of :data:`NAME_ALIASES`.

    Returns
    -------
    NameMatch

    Raises
    ------
    InputError
        Two of ``names`` match the same candidate (e.g. an alias that maps two
        slate drivers to one history name), or ``names`` holds a repeat.

    Examples
    --------
    >>> m = match_names(["Daniel Suárez", "Shane van Gisbergen", "Austin J Hill", "New Guy"],
    ...                 ["Daniel Suarez", "Shane Van Gisbergen", "Austin Hill", "Austin J. Hill"],
    ...                 target="race history")
    >>> m.matched_names
    ['Daniel Suarez', 'Shane Van Gisbergen', 'Austin J. Hill', None]
    >>> m.how
    ['normalized', 'normalized', 'normalized', 'unmatched']
    """
    names = [str(n) for n in names]
    dup = pd.Series(names)[pd.Series(names).duplicated()]
    if len(dup):
        raise InputError(f"{source}: name {dup.iloc[0]!r} appears more than once; names must be distinct to match")
    cands = list(dict.fromkeys(str(c) for c in candidates))
    exact = {c: i for i, c in enumerate(cands)}
    by_key: dict[str, int] = {}
    for i, c in enumerate(cands):
        by_key.setdefault(name_key(c, aliases), i)
    by_loose: dict[str, list[int]] = {}
    for i, c in enumerate(cands):
        by_loose.setdefault(loose_key(c, aliases), []).append(i)
    raw_keys = {c: _fold(c) for c in cands}
    index = np.full(len(names), -1, dtype=np.int64)
    how = ["unmatched"] * len(names)
    for j, n in enumerate(names):
        if n in exact:
            index[j], how[j] = exact[n], "exact"
            continue
        k = name_key(n, aliases)
        if k in by_key:
            i = by_key[k]
            index[j] = i
            how[j] = "alias" if (_fold(n) != k or raw_keys[cands[i]] != k) else "normalized"
            continue
        hits = by_loose.get(loose_key(n, aliases), [])
        # distinct candidates only: two spellings of one key count once
        hits = list(dict.fromkeys(by_key[name_key(cands[i], aliases)] for i in hits))
        if len(hits) == 1:
            index[j], how[j] = hits[0], "initials dropped"
    taken = pd.Series(index[index >= 0])
    if taken.duplicated().any():
        i = int(taken[taken.duplicated()].iloc[0])
        who = [n for n, x in zip(names, index) if x == i]
        raise InputError(f"{source}: {who} all match {target} name {cands[i]!r}; two {source} drivers cannot be "
                         "one person (check dfslab.names.NAME_ALIASES or the spellings)")
    return NameMatch(names=names, candidates=cands, index=index, how=how, source=source, target=target)
