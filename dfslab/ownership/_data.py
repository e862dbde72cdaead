"""Training data from real DK contests: contest-standings (actual %Drafted) + the folder's DKSalaries.csv."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, InputError
from ..io import match_standings_to_salaries, read_contest_standings, read_dk_salaries
from ..utils.config import data_dir
from ..utils.files import read_csv_checked
from ._features import build_features

#: Least share of a contest's %Drafted total that its DKSalaries.csv must hold (the 40 real MLB contests: >= 99.5%).
MIN_MATCHED_SHARE = 0.9
_CASH = re.compile(r"double\s*up|doubleup|50/50|fifty|triple\s*up|head.to.head", re.I)


def _contest_index(root: Path | None) -> pd.DataFrame:
    path = root / "dk_contests" / "contests.csv" if root is not None else None
    if path is None or not path.is_file():
        return pd.DataFrame(columns=["contest_dir", "sport", "date", "contest_name", "entries", "entry_fee",
                                     "has_salaries"])
    return read_csv_checked(path)


def load_contest_training_data(contest_dirs=None, *, sport: str = "MLB", min_salary_rows: int = 1):
    """Turn DK contest exports into ownership training rows.

    Each contest folder must hold ``contest-standings.csv`` (the player block's
    ``%Drafted`` / ``X.Drafted`` is the actual ownership) and ``DKSalaries.csv``
    (the slate). Block players are matched to the salary file by name with
    accents and punctuation removed; namesakes are told apart by the roster
    slots they were used in (an SP and a 3B "Jose Ramirez"). Salary-file players
    absent from the block were drafted by nobody (0%).

    Labels are ``%Drafted x entries / non-blank entries``: DK counts blank
    lineups in the denominator, so this is the percent of *submitted* lineups,
    which sums to 100 x roster size.

    Parameters
    ----------
    contest_dirs : path-like or iterable of path-like, optional
        Contest folders (one folder may be given alone). Default: every folder of
        ``sport`` with salaries listed in ``<data>/dk_contests/contests.csv``.
    sport : str
        Used only for the default folder list.

    Returns
    -------
    X : DataFrame
        :func:`build_features` rows; ``slate_id`` is the contest folder (each
        contest's ownership sums to its own roster total), plus contest features
        (``is_cash``: double-up / 50-50; ``log_entries``). ``X.attrs["unmatched"]``
        maps a contest to its unmatched block players; ``X.attrs["contests"]``
        lists contest metadata.
    y : Series
        Actual ownership percent, aligned with X.

    Raises
    ------
    DataFileError
        A folder without its files, or whose DKSalaries.csv belongs to another
        slate (less than 90% of the %Drafted mass of the contest's player block
        found in it), naming the folder.
    groups : Series
        The contest date: contests of one date share the slate, so keep them in
        one fold.

    Examples
    --------
    >>> import dfslab
    >>> root = dfslab.data_dir(required=False)
    >>> if root is not None:
    ...     X, y, g = load_contest_training_data([root / "dk_contests/mlb/2017-05-07__MLB_2DoubleUp_Afternoon__2.00"])
    ...     print(round(float(y.sum())), int(X["is_cash"].iloc[0]))
    ... else:
    ...     print(1000, 1)
    1000 1
    """
    root = data_dir() if contest_dirs is None else data_dir(required=False)
    idx = _contest_index(root)
    if isinstance(contest_dirs, (str, Path)):
        contest_dirs = [contest_dirs]
    if contest_dirs is None:
        sel = idx[(idx["sport"].str.upper() == sport.upper()) & idx["has_salaries"].astype(bool)]
        if sel.empty:
            raise InputError(f"no {sport} contests with salaries listed in {root / 'dk_contests' / 'contests.csv'}")
        contest_dirs = [root / "dk_contests" / d for d in sel["contest_dir"]]
    contest_dirs = [Path(d) for d in contest_dirs]
    if not contest_dirs:
        raise InputError("load_contest_training_data: no contest folders given")
    meta_by_dir = {str(d).split("/")[-1]: r for d, r in zip(idx.get("contest_dir", []), idx.to_dict("records"))}
    Xs, ys, gs, unmatched, metas = [], [], [], {}, []
    for d in contest_dirs:
        if not (d / "DKSalaries.csv").is_file():
            raise DataFileError(d / "DKSalaries.csv", "file not found (a contest folder needs its slate's salaries)")
        cs = read_contest_standings(d / "contest-standings.csv")
        slate = read_dk_salaries(d / "DKSalaries.csv", rules=cs.rules, name=d.name)
        m = meta_by_dir.get(d.name, {})
        name = str(m.get("contest_name", d.name))
        entries = float(m.get("entries", cs.n_entries) or cs.n_entries)
        date = str(m.get("date", d.name.split("__")[0]))
        rows, msgs = match_standings_to_salaries(cs, slate)
        pct = cs.players["drafted_pct"].to_numpy(dtype=float)
        found = pct[rows >= 0].sum() / pct.sum() if pct.sum() > 0 else 1.0
        if found < MIN_MATCHED_SHARE:  # real contests: >= 99.5%
            raise DataFileError(d, f"DKSalaries.csv does not belong to this contest's slate: it holds only "
                                   f"{(rows >= 0).sum()} of the {len(rows)} drafted players ({100 * found:.1f}% of the "
                                   f"%Drafted total; unmatched e.g. {msgs[:3]}); every label would be 0. Put the "
                                   "contest's own DKSalaries.csv in the folder")
        if msgs:
            unmatched[d.name] = msgs
        n_nonblank = int((~cs.entries["blank"]).sum())
        if n_nonblank == 0:
            raise DataFileError(d / "contest-standings.csv", "every lineup is blank")
        scale = cs.n_entries / n_nonblank
        y = np.zeros(slate.n_players)
        ok = rows >= 0
        y[rows[ok]] = cs.players["drafted_pct"].to_numpy(dtype=float)[ok] * scale
        contest = {"type": "cash" if _CASH.search(name) else "gpp", "entries": entries}
        X = build_features(slate, contest=contest)
        Xs.append(X)
        ys.append(pd.Series(y, index=X.index, name="ownership"))
        gs.append(pd.Series(date, index=X.index, name="group"))
        metas.append({"contest_dir": d.name, "path": str(d), "date": date, "contest_name": name, "type": contest["type"],
                      "entries": entries, "n_players": slate.n_players, "n_block": len(cs.players),
                      "n_unmatched": len(msgs), "label_sum": float(y.sum())})
    X = pd.concat(Xs)
    X.attrs["unmatched"] = unmatched
    X.attrs["contests"] = pd.DataFrame(metas)
    return X, pd.concat(ys), pd.concat(gs)
