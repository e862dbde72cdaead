"""Per-driver rules: lock, exclude, min / max exposure, and projection / ownership overrides.

A rules table (a CSV, a DataFrame or a list of dicts) has one row per driver with a rule::

    name,lock,exclude,min_exposure,max_exposure,projection,ownership
    Kyle Larson,1,,,,,
    Denny Hamlin,,,0.2,0.5,,
    Chase Elliott,,1,,,,
    Ryan Blaney,,,,,48.5,30

Drivers are named by ``name`` (the slate's spelling, or one :mod:`dfslab.names` matches) or by ``ID``
(the DK id; the slate's ``player_id`` also works). Exposures are FRACTIONS of my lineups in [0, 1]
(``"40%"`` is read as 0.4; a bare 40 is an error, never guessed). ``projection`` is DK points,
``ownership`` percent of entries (0-100).

:func:`read_driver_rules` resolves and checks every row against the slate and returns a
:class:`DriverRules`; :meth:`DriverRules.check_feasible` rejects, before any optimization, rule sets
that cannot all hold (an :class:`~dfslab.InfeasibleError` naming the binding rule and the drivers);
:meth:`DriverRules.optimizer_settings` turns them into :class:`LeverageAwareOptimizer` settings, where
every rule is a constraint of the model (never a post-filter).
"""

from __future__ import annotations

import difflib
import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, InfeasibleError, InputError
from ..slate import Slate

#: Columns of a rules table (after aliases): the driver key, then the rules.
RULE_COLUMNS = ("lock", "exclude", "min_exposure", "max_exposure", "projection", "ownership")
_ALIASES = {
    "name": "name", "driver": "name", "player": "name", "driver_name": "name",
    "id": "id", "dk_id": "id", "dkid": "id", "player_id": "id", "draftable_id": "id",
    "name_+_id": "name_id", "name+id": "name_id", "name_id": "name_id",
    "lock": "lock", "locked": "lock", "locks": "lock",
    "exclude": "exclude", "excluded": "exclude", "excludes": "exclude", "ban": "exclude",
    "min_exposure": "min_exposure", "min_exp": "min_exposure", "min": "min_exposure", "minexposure": "min_exposure",
    "max_exposure": "max_exposure", "max_exp": "max_exposure", "max": "max_exposure", "maxexposure": "max_exposure",
    "projection": "projection", "proj": "projection", "projected_points": "projection",
    "ownership": "ownership", "own": "ownership", "projected_own": "ownership", "projected_ownership": "ownership",
}
_TRUE = {"1", "1.0", "true", "yes", "y", "x", "t"}
_FALSE = {"", "0", "0.0", "false", "no", "n", "f"}
PROJECTION_RANGE = (-50.0, 500.0)  # DK points of one driver


def _canon(col) -> str:
    return "_".join(str(col).strip().lower().replace("%", "").split())


@dataclass
class DriverRules:
    """Per-driver rules resolved against one slate (arrays aligned with ``slate.players``).

    Build it with :func:`read_driver_rules`. ``lock`` / ``exclude`` are bool arrays;
    ``min_exposure`` / ``max_exposure`` fractions of my lineups (NaN = no rule);
    ``projection`` DK points and ``ownership`` percent of entries (NaN = no override);
    ``rows`` the source row of each driver's rule (0 = none).

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> s = demo_slate()
    >>> r = read_driver_rules([{"name": s.players.name[0], "lock": 1},
    ...                        {"name": s.players.name[1], "max_exposure": 0.5}], s)
    >>> r.n_rules, r.locked_names
    (2, ['Flynn Zeller'])
    """

    slate_name: str
    player_ids: tuple
    names: np.ndarray
    salaries: np.ndarray
    lock: np.ndarray
    exclude: np.ndarray
    min_exposure: np.ndarray
    max_exposure: np.ndarray
    projection: np.ndarray
    ownership: np.ndarray
    rows: np.ndarray
    source: str = "rules"
    notes: list = field(default_factory=list)

    # ------------------------------------------------------------------ views
    @property
    def has_rule(self) -> np.ndarray:
        return (self.lock | self.exclude | ~np.isnan(self.min_exposure) | ~np.isnan(self.max_exposure)
                | ~np.isnan(self.projection) | ~np.isnan(self.ownership))

    @property
    def n_rules(self) -> int:
        """Drivers with at least one rule."""
        return int(self.has_rule.sum())

    @property
    def locked_names(self) -> list:
        return self.names[self.lock].tolist()

    @property
    def excluded_names(self) -> list:
        return self.names[self.exclude].tolist()

    @property
    def has_lineup_rules(self) -> bool:
        """Locks, excludes or exposures (rules the optimizer applies)."""
        return bool(self.lock.any() or self.exclude.any() or np.isfinite(self.min_exposure).any()
                    or np.isfinite(self.max_exposure).any())

    @property
    def has_projection(self) -> bool:
        return bool(np.isfinite(self.projection).any())

    @property
    def has_ownership(self) -> bool:
        return bool(np.isfinite(self.ownership).any())

    def key(self, part: str) -> tuple:
        """A comparable fingerprint of one part ("lineups", "projection", "ownership") of the rules."""
        def arr(a):
            return tuple(np.where(np.isnan(a), -1.0, a).round(12).tolist()) if a.dtype.kind == "f" else \
                tuple(a.tolist())
        if part == "lineups":
            return (self.player_ids, arr(self.lock), arr(self.exclude), arr(self.min_exposure), arr(self.max_exposure))
        if part == "projection":
            return (self.player_ids, arr(self.projection))
        if part == "ownership":
            return (self.player_ids, arr(self.ownership))
        raise ValueError(part)

    def check_slate(self, slate: Slate) -> "DriverRules":
        """The rules were resolved against this slate's drivers (else :class:`InputError`)."""
        if tuple(slate.players["player_id"].astype(str)) != self.player_ids:
            raise InputError(f"driver_rules: resolved against slate {self.slate_name!r}, not {slate.name!r} (its "
                             "drivers differ); read the rules again with read_driver_rules(rules, slate)")
        return self

    def table(self) -> pd.DataFrame:
        """One row per driver with a rule: what it asks, in words and numbers (units in the names)."""
        idx = np.flatnonzero(self.has_rule)
        rows = []
        for i in idx:
            what = []
            if self.lock[i]:
                what.append("lock (every lineup)")
            if self.exclude[i]:
                what.append("exclude (no lineup)")
            if np.isfinite(self.min_exposure[i]):
                what.append(f"at least {self.min_exposure[i]:.0%} of my lineups")
            if np.isfinite(self.max_exposure[i]):
                what.append(f"at most {self.max_exposure[i]:.0%} of my lineups")
            if np.isfinite(self.projection[i]):
                what.append(f"projection {self.projection[i]:.1f} pts")
            if np.isfinite(self.ownership[i]):
                what.append(f"ownership {self.ownership[i]:.1f}%")
            rows.append({"driver": self.names[i], "salary ($)": int(self.salaries[i]), "rule": "; ".join(what),
                         "lock": bool(self.lock[i]), "exclude": bool(self.exclude[i]),
                         "min exposure (%)": 100 * self.min_exposure[i], "max exposure (%)": 100 * self.max_exposure[i],
                         "projection (pts)": self.projection[i], "ownership (%)": self.ownership[i],
                         "source row": int(self.rows[i]) if self.rows[i] else None})
        return pd.DataFrame(rows, columns=["driver", "salary ($)", "rule", "lock", "exclude", "min exposure (%)",
                                           "max exposure (%)", "projection (pts)", "ownership (%)", "source row"])

    def _repr_html_(self) -> str:
        t = self.table().drop(columns=["lock", "exclude"])
        head = (f"<b>DriverRules</b> from {html.escape(self.source)} for slate {html.escape(self.slate_name)}: "
                f"{self.n_rules} driver(s) with rules ({int(self.lock.sum())} locked, {int(self.exclude.sum())} "
                f"excluded, {int(np.isfinite(self.min_exposure).sum())} min / {int(np.isfinite(self.max_exposure).sum())} "
                f"max exposures, {int(np.isfinite(self.projection).sum())} projection and "
                f"{int(np.isfinite(self.ownership).sum())} ownership overrides)")
        notes = "".join(f"<br><i>note:</i> {html.escape(n)}" for n in self.notes)
        return head + notes + t.to_html(index=False, na_rep="", float_format=lambda v: f"{v:,.1f}", border=0)

    def __repr__(self) -> str:
        return (f"DriverRules({self.slate_name!r}, {self.n_rules} drivers: locks={self.locked_names}, "
                f"excludes={self.excluded_names})")

    # ------------------------------------------------------------------ what the optimizer gets
    def exposure_fractions(self, global_max: float | None) -> tuple[np.ndarray, np.ndarray]:
        """Effective (min, max) exposure fraction per driver.

        A driver's own ``max_exposure`` replaces the global ``max_exposure`` for that driver; a lock
        lifts the cap to 1; a ``min_exposure`` above the global cap lifts it to the minimum (the global
        cap still holds where it does not conflict with the driver's own rule). Excluded: (0, 0).
        """
        g = 1.0 if global_max is None else float(global_max)
        lo = np.where(np.isnan(self.min_exposure), 0.0, self.min_exposure)
        hi = np.full(len(lo), g)
        hi = np.maximum(hi, lo)
        hi = np.where(np.isnan(self.max_exposure), hi, self.max_exposure)
        hi = np.where(self.lock, 1.0, hi)
        lo = np.where(self.lock, 1.0, lo)
        hi = np.where(self.exclude, 0.0, hi)
        return lo, hi

    def optimizer_settings(self, global_max: float | None, loosen: float = 1.0) -> dict:
        """:class:`LeverageAwareOptimizer` keywords for these rules: locks, excludes, per-driver exposures.

        ``loosen`` multiplies the caps (a candidate pool for selection by simulation is built with
        looser caps, then the portfolio chosen from it obeys the real ones).
        """
        lo, hi = self.exposure_fractions(global_max)
        pid = self.player_ids
        out = {"locks": [pid[i] for i in np.flatnonzero(self.lock)],
               "excludes": [pid[i] for i in np.flatnonzero(self.exclude)],
               "max_exposure": {pid[i]: float(min(1.0, hi[i] * loosen)) if not self.exclude[i] else 0.0
                                for i in range(len(pid))}}
        mins = {pid[i]: float(lo[i]) for i in np.flatnonzero((lo > 0) & ~self.lock)}
        if mins:
            out["min_exposure"] = mins
        return out

    def exposure_counts(self, n_lineups: int, global_max: float | None) -> tuple[np.ndarray, np.ndarray]:
        """(min count, max count) per driver for ``n_lineups`` lineups (min rounds up, max down, as the optimizer)."""
        lo, hi = self.exposure_fractions(global_max)
        return (np.ceil(lo * n_lineups - 1e-9).astype(np.int64), np.floor(hi * n_lineups + 1e-9).astype(np.int64))

    # ------------------------------------------------------------------ feasibility, before optimizing
    def check_feasible(self, slate: Slate, n_lineups: int, *, max_overlap: int | None = None,
                       min_salary: int | None = None, global_max: float | None = None, unusable=()) -> None:
        """Raise :class:`~dfslab.InfeasibleError` naming the binding rule and drivers when the rules cannot all hold.

        Checked up front (each exactly, by counting): locks versus ``max_overlap``; the locked drivers'
        salaries plus the cheapest (dearest) other usable drivers versus the cap (the minimum salary);
        a driver's minimum versus its maximum after rounding; the minimums versus the roster spots left
        beside the locks; the caps versus the roster spots to fill; enough usable drivers. Drivers owed
        in every lineup by ``min_exposure`` count as locks. What counting cannot see (a portfolio that
        dead-ends later) the optimizer reports, also naming the binding rules.

        ``unusable``: indices (or names / ids) of drivers the caller keeps out besides the rules'
        excludes (e.g. drivers without a DK id).
        """
        self.check_slate(slate)
        R, cap = slate.rules.roster_size, slate.rules.salary_cap
        N = int(n_lineups)
        ms = slate.rules.min_salary if min_salary is None else int(min_salary)
        mo = R - 1 if max_overlap is None else min(int(max_overlap), R - 1)
        names, sal = self.names, self.salaries
        out = self.exclude.copy()
        extra = np.asarray(list(unusable))
        if extra.size:
            out[extra if extra.dtype.kind in "iu" else slate.index_of(extra)] = True
        bad = self.lock & out
        if bad.any():
            raise InfeasibleError(f"lock: {names[bad].tolist()} are kept out of my lineups by the analysis' excludes "
                                  "(by default drivers without a DK id, who cannot be uploaded); remove the lock or "
                                  "read the slate from DKSalaries.csv")
        lo_c, hi_c = self.exposure_counts(N, global_max)
        hi_c = np.where(out, 0, hi_c)
        every = self.lock | ((lo_c >= N) & ~out)            # in every lineup: locks and minimums of 100%
        k = int(every.sum())

        def money(idx):
            return ", ".join(f"{names[i]} ${sal[i]:,}" for i in idx)

        lk = np.flatnonzero(every)
        why = "locked" if not (every & ~self.lock).any() else "locked or owed in every lineup by min_exposure"
        if k > R:
            raise InfeasibleError(f"lock: {k} drivers are {why} ({', '.join(names[lk])}) but a lineup holds {R}")
        if N > 1 and k > mo:
            raise InfeasibleError(f"lock vs max_overlap={mo}: {k} drivers are {why} ({', '.join(names[lk])}), so "
                                  f"any two lineups share at least {k}; lock at most {mo} or raise max_overlap")
        usable = np.flatnonzero(~out & ~every)
        if len(usable) + k < R:
            raise InfeasibleError(f"exclude: only {len(usable) + k} drivers are usable after the excludes "
                                  f"({', '.join(names[self.exclude][:10])}); a lineup needs {R}")
        rest = np.sort(sal[usable])
        lo_sal = int(sal[lk].sum() + rest[:R - k].sum())
        if lo_sal > cap:
            raise InfeasibleError(f"lock: the {k} drivers {why} ({money(lk)}) cost ${int(sal[lk].sum()):,}; with "
                                  f"the {R - k} cheapest usable others a lineup costs ${lo_sal:,}, over the ${cap:,} "
                                  "salary cap")
        hi_sal = int(sal[lk].sum() + rest[::-1][:R - k].sum())
        if hi_sal < ms:
            raise InfeasibleError(f"lock vs min_salary: with the {k} drivers {why} ({money(lk)}) and the {R - k} "
                                  f"dearest usable others a lineup costs at most ${hi_sal:,}, under the "
                                  f"${ms:,} minimum salary")
        bad = (lo_c > hi_c) & ~out
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            lo_f, hi_f = self.exposure_fractions(global_max)
            raise InfeasibleError(f"min_exposure vs max_exposure for {names[i]}: at least {lo_f[i]:.0%} of {N} lineups "
                                  f"needs {lo_c[i]}, at most {hi_f[i]:.0%} allows {hi_c[i]} (minimums round up, "
                                  "maximums down)")
        bad = (lo_c > 0) & out
        if bad.any():
            raise InfeasibleError(f"min_exposure for drivers that cannot be used (excluded or without a DK id): "
                                  f"{names[bad].tolist()}")
        owed = (lo_c > 0) & ~every
        need = int(lo_c[owed].sum())
        room = (R - k) * N
        if need > room:
            who = ", ".join(f"{names[i]} {lo_c[i]}" for i in np.flatnonzero(owed))
            beside = f" beside the {k} driver(s) in every lineup" if k else ""
            raise InfeasibleError(f"min_exposure: the minimums need {need} roster spots ({who} lineups) but {N} "
                                  f"lineups x {R - k} drivers have only {room}{beside}")
        fill = int(np.minimum(hi_c, N)[~out].sum())
        if fill < R * N:
            capped = np.flatnonzero(~out & (hi_c < N))
            who = ", ".join(f"{names[i]} {hi_c[i]}" for i in capped[np.argsort(hi_c[capped])][:12])
            raise InfeasibleError(f"max_exposure: the caps leave {fill} roster spots for {N} lineups x {R} drivers = "
                                  f"{R * N} (capped: {who}{' ...' if len(capped) > 12 else ''} lineups)")

    # ------------------------------------------------------------------ overrides
    def projection_vector(self, base=None) -> np.ndarray | None:
        """``base`` (DK points per driver, or None) with the projection overrides in; NaN where neither."""
        if not self.has_projection:
            return None if base is None else np.asarray(base, dtype=float)
        v = np.full(len(self.names), np.nan) if base is None else np.array(base, dtype=float)
        ov = np.isfinite(self.projection)
        v[ov] = self.projection[ov]
        return v

    def apply_ownership(self, ownership, total: float) -> tuple[np.ndarray, np.ndarray, str]:
        """Ownership with the overrides in and the other drivers rescaled so the whole sums to ``total``.

        Returns (ownership, scale per driver (new / old, 1 for overridden), note). The others are
        rescaled with :func:`dfslab.slate.capped_normalize` (no driver above 100%).
        """
        from ..slate import capped_normalize

        own = np.asarray(ownership, dtype=float)
        ov = np.isfinite(self.ownership)
        if not ov.any():
            return own.copy(), np.ones(len(own)), ""
        fixed = float(self.ownership[ov].sum())
        left = total - fixed
        n_rest = int((~ov).sum())
        who = ", ".join(f"{n} {v:g}%" for n, v in zip(self.names[ov], self.ownership[ov]))
        if left < -1e-9:
            raise InputError(f"ownership overrides ({who}) sum to {fixed:g}%, more than the {total:g}% every driver's "
                             "ownership adds up to (percent of entries: 100 x roster size)")
        if left > 100.0 * n_rest + 1e-9:
            raise InputError(f"ownership overrides ({who}) leave {left:g}% for the other {n_rest} drivers, more than "
                             f"100% each could hold")
        out = own.copy()
        out[ov] = self.ownership[ov]
        old = own[~ov]
        if n_rest:
            out[~ov] = capped_normalize(old, left, cap=100.0) if old.sum() > 0 else left / n_rest
        scale = np.ones(len(own))
        with np.errstate(divide="ignore", invalid="ignore"):
            scale[~ov] = np.where(old > 0, out[~ov] / np.where(old > 0, old, 1.0), 1.0)
        was = ", ".join(f"{n} {v:g}% (estimate {o:.1f}%)" for n, v, o in zip(self.names[ov], self.ownership[ov],
                                                                                own[ov]))
        f = float(np.median(scale[~ov])) if n_rest else 1.0
        note = (f"ownership overrides from {self.source}: {was}; the other {n_rest} drivers rescaled (x{f:.3f} "
                f"typical, capped_normalize, none above 100%) so ownership still sums to {total:g}%")
        return out, scale, note


def _closest(name: str, slate_names: list, n: int = 3) -> list:
    from ..names import name_key

    keys = [name_key(s) for s in slate_names]
    k = name_key(name)
    hits = difflib.get_close_matches(k, keys, n=n, cutoff=0.5)
    if not hits:
        ranked = sorted(range(len(keys)), key=lambda i: -difflib.SequenceMatcher(None, k, keys[i]).ratio())
        return [slate_names[i] for i in ranked[:n]]
    return [slate_names[keys.index(h)] for h in hits]


def _frame(rules, source):
    if isinstance(rules, (str, Path)):
        from ..utils.files import read_csv_checked

        df = read_csv_checked(rules, dtype=str, keep_default_na=False)
        rows = [int(df.attrs["file_rows"][i]) if "file_rows" in df.attrs else i + 2 for i in range(len(df))]
        return df, str(rules), rows, list(df.attrs.get("notes", []))
    if isinstance(rules, pd.DataFrame):
        df = rules.copy()
    elif isinstance(rules, (list, tuple)) and all(isinstance(r, dict) for r in rules):
        df = pd.DataFrame(list(rules))
    elif isinstance(rules, dict):
        df = pd.DataFrame(rules)
    else:
        raise InputError(f"driver_rules: expected a CSV path, a DataFrame or a list of dicts, got "
                         f"{type(rules).__name__}")
    df = df.astype(object).where(df.notna(), "")
    return df, source, [i + 1 for i in range(len(df))], []


def read_driver_rules(rules, slate: Slate, *, source: str | None = None) -> DriverRules:
    """Read per-driver rules (a CSV path, a DataFrame or a list of dicts) and resolve them against ``slate``.

    Parameters
    ----------
    rules : path-like, DataFrame, list of dict or DriverRules
        Columns ``name`` (or ``ID``: the DK id, or the slate's player_id), and any of ``lock``,
        ``exclude`` (1/0, true/false, yes/no, x, blank = no), ``min_exposure``, ``max_exposure``
        (fractions of my lineups in [0, 1], or text like ``"40%"``), ``projection`` (DK points),
        ``ownership`` (percent of entries, 0-100). Column names are case-insensitive; blank cells
        mean "no rule".
    slate : Slate
    source : str, optional
        A label for messages (default: the file's path, or "rules").

    Returns
    -------
    DriverRules

    Raises
    ------
    DataFileError / InputError
        Naming the file (or "rules"), the row and the problem: an unknown column; a name that
        matches no driver (with the closest names), an ID not on the slate, two rows for one driver;
        a value that is not a boolean / fraction / number; a lock that is also excluded or capped
        below 1; min above max; more locks than a roster holds.

    Examples
    --------
    >>> from dfslab import demo_slate
    >>> s = demo_slate()
    >>> read_driver_rules([{"name": "Flyn Zeller", "lock": 1}], s)
    Traceback (most recent call last):
    ...
    dfslab.exceptions.InputError: rules, row 1: no driver named 'Flyn Zeller' on slate demo-intermediate; closest: ...
    >>> r = read_driver_rules([{"ID": str(s.players.dk_id[2]), "min_exposure": "25%"}], s)
    >>> float(r.min_exposure[2])
    0.25
    """
    from ..names import match_names

    if not isinstance(slate, Slate):
        raise InputError(f"read_driver_rules: slate must be a dfslab Slate, got {type(slate).__name__}")
    if isinstance(rules, DriverRules):
        return rules.check_slate(slate)
    df, src, file_rows, notes = _frame(rules, source or "rules")
    if source:
        src = source
    is_file = isinstance(rules, (str, Path))

    def err(problem, row=None):
        if is_file:
            return DataFileError(src, problem, row=row)
        return InputError(f"{src}{'' if row is None else f', row {row}'}: {problem}")

    cols = {}
    for c in df.columns:
        k = _ALIASES.get(_canon(c))
        if k is None:
            close = difflib.get_close_matches(_canon(c), list(_ALIASES), n=1)
            raise err(f"unknown column {str(c)!r}{f' (did you mean {close[0]!r}?)' if close else ''}; a rules "
                      f"table has name (or ID) and {', '.join(RULE_COLUMNS)}")
        if k in cols:
            raise err(f"columns {cols[k]!r} and {str(c)!r} both mean {k!r}")
        cols[k] = c
    if not ({"name", "id", "name_id"} & set(cols)):
        raise err(f"needs a 'name' or an 'ID' column to say which driver each rule is for; found {list(df.columns)}")
    if not (set(RULE_COLUMNS) & set(cols)):
        raise err(f"no rule column; give any of {', '.join(RULE_COLUMNS)}")
    if df.empty:
        raise err("no rules (the table has a header only)")

    p = slate.players
    n = slate.n_players
    names = p["name"].astype(str).to_numpy()
    slate_names = names.tolist()
    by_id = {}
    for col in ("dk_id", "player_id"):
        if col in p:
            for i, v in enumerate(p[col]):
                if pd.notna(v):
                    by_id.setdefault(str(int(v)) if isinstance(v, (float, np.floating)) and float(v).is_integer()
                                     else str(v).strip(), i)
    lock = np.zeros(n, bool)
    excl = np.zeros(n, bool)
    mn, mx, proj, own = (np.full(n, np.nan) for _ in range(4))
    rows = np.zeros(n, np.int64)
    blank_rows, spelled = 0, []

    def cell(r, key):
        c = cols.get(key)
        if c is None:
            return ""
        v = df[c].iloc[r]
        if v is None or (isinstance(v, (float, np.floating)) and math.isnan(v)):
            return ""
        if isinstance(v, (bool, np.bool_)):
            return "1" if v else "0"
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v).strip()

    def boolean(r, key, row):
        v = cell(r, key).lower()
        if v in _TRUE:
            return True
        if v in _FALSE:
            return False
        raise err(f"{key} must be 1/0, true/false, yes/no or blank, got {cell(r, key)!r}", row)

    def fraction(r, key, row):
        v = cell(r, key)
        if v == "":
            return np.nan
        pct = v.endswith("%")
        try:
            x = float(v.rstrip("%").strip())
        except ValueError:
            raise err(f"{key} {v!r} is not a number (a fraction of my lineups in [0, 1], e.g. 0.4 or '40%')",
                      row) from None
        if pct:
            x /= 100.0
        if not math.isfinite(x) or x < 0 or x > 1:
            hint = f"; for {x:g}% write {x / 100:g} or '{x:g}%'" if (not pct and 1 < x <= 100) else ""
            raise err(f"{key} {v!r} is not a fraction of my lineups in [0, 1]{hint}", row)
        return x

    def number(r, key, row, lo, hi, unit):
        v = cell(r, key)
        if v == "":
            return np.nan
        try:
            x = float(v.rstrip("%").strip()) if key == "ownership" else float(v)
        except ValueError:
            raise err(f"{key} {v!r} is not a number ({unit})", row) from None
        if not math.isfinite(x) or x < lo or x > hi:
            raise err(f"{key} {v!r} is outside {lo:g}..{hi:g} ({unit})", row)
        return x

    for r in range(len(df)):
        row = file_rows[r]
        key_name, key_id = cell(r, "name"), cell(r, "id")
        nid = cell(r, "name_id")
        if nid:
            import re

            m = re.match(r"^(?P<name>.*?)\s*\((?P<id>\d+)\)\s*$", nid)
            if not m:
                raise err(f"Name + ID {nid!r} is not 'Name (ID)'", row)
            key_name, key_id = key_name or m["name"], key_id or m["id"]
        vals = {k: cell(r, k) for k in RULE_COLUMNS}
        if not key_name and not key_id:
            if any(vals.values()):
                raise err("a rule without a driver (name and ID are empty)", row)
            blank_rows += 1
            continue
        if key_id:
            kid = key_id[:-2] if key_id.endswith(".0") and key_id[:-2].isdigit() else key_id
            if kid not in by_id:
                hint = f" ({key_name})" if key_name else ""
                raise err(f"ID {key_id}{hint} is not on slate {slate.name} (the salary file's drivers): are the rules "
                          "for another slate?", row)
            i = by_id[kid]
            if key_name:
                m = match_names([key_name], [names[i]])
                if not m.matched[0]:
                    raise err(f"ID {key_id} is {names[i]} on slate {slate.name}, but the row names {key_name!r}", row)
        else:
            if key_name in slate_names and slate_names.count(key_name) == 1:
                i = slate_names.index(key_name)
            else:
                m = match_names([key_name], slate_names, source=src, target=f"slate {slate.name}")
                if not m.matched[0]:
                    raise err(f"no driver named {key_name!r} on slate {slate.name}; closest: "
                              f"{', '.join(_closest(key_name, slate_names))}", row)
                i = int(m.index[0])
                spelled.append(f"{key_name} = {names[i]}")
        if rows[i]:
            raise err(f"{names[i]} has a second rule row (first at row {rows[i]}); give one row per driver", row)
        rows[i] = row
        lock[i] = boolean(r, "lock", row)
        excl[i] = boolean(r, "exclude", row)
        mn[i] = fraction(r, "min_exposure", row)
        mx[i] = fraction(r, "max_exposure", row)
        proj[i] = number(r, "projection", row, *PROJECTION_RANGE, "DK points")
        own[i] = number(r, "ownership", row, 0.0, 100.0, "percent of entries, 0-100")
        who = names[i]
        if lock[i] and excl[i]:
            raise err(f"{who} is both locked and excluded", row)
        if np.isfinite(mn[i]) and np.isfinite(mx[i]) and mn[i] > mx[i]:
            raise err(f"{who}: min_exposure {mn[i]:g} is above max_exposure {mx[i]:g}", row)
        if lock[i] and np.isfinite(mx[i]) and mx[i] < 1:
            raise err(f"{who} is locked (in every lineup) but max_exposure is {mx[i]:g}", row)
        if excl[i] and np.isfinite(mn[i]) and mn[i] > 0:
            raise err(f"{who} is excluded but min_exposure is {mn[i]:g}", row)
    R = slate.rules.roster_size
    if lock.sum() > R:
        raise err(f"{int(lock.sum())} locked drivers ({', '.join(names[lock])}) do not fit a {R}-driver roster")
    if blank_rows:
        notes.append(f"{blank_rows} row(s) of {src} name no driver and set no rule (blank): nothing to apply")
    if spelled:
        notes.append(f"rule names matched by spelling rule: {', '.join(spelled)}")
    given = np.isfinite(own)
    if given.sum() >= 2 and (own[given] <= 1.0).all():
        notes.append(f"every ownership override in {src} is at most 1%: ownership is PERCENT of entries (0-100), "
                     "not a fraction; check the file")
    out = DriverRules(slate_name=slate.name, player_ids=tuple(p["player_id"].astype(str)), names=names,
                      salaries=slate.salaries.copy(), lock=lock, exclude=excl, min_exposure=mn, max_exposure=mx,
                      projection=proj, ownership=own, rows=rows, source=src, notes=notes)
    if not out.has_rule.any():
        raise err("no driver has a rule (every rule cell is blank)")
    return out


__all__ = ["DriverRules", "RULE_COLUMNS", "read_driver_rules"]
