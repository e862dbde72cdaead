"""DK entries in the pipeline: which contest is how big, which lineup goes to which entry, each contest simulated.

A DKEntries.csv may hold entries of several contests. The analysis builds one portfolio with one
lineup per entry (all distinct), deals the lineups to the contests in turn (the contest with the most
entries first, so each contest gets a share of the best lineups and no contest holds a lineup twice),
gives each contest's lineups to its entries in file order, and simulates every contest with its own
entry fee and field size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..exceptions import InputError


def resolve_contest_sizes(contest_sizes, entries) -> dict:
    """``contest_sizes`` (dict contest id -> entries, or text ``"id:size,id:size"`` / ``"id=size,..."``) checked
    against the file; the key ``default`` sets the size of contests neither given nor named with a prize pool."""
    if contest_sizes is None or contest_sizes == "" or contest_sizes == {}:
        return {}
    if entries is None:
        raise InputError("contest_sizes: only with entries (a DKEntries.csv names the contests)")
    if isinstance(contest_sizes, str):
        out = {}
        for part in contest_sizes.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            sep = next((c for c in ("=", ":") if c in part), None)
            if sep is None:
                raise InputError(f"contest_sizes: {part!r} is not CONTEST_ID:ENTRIES (e.g. 191218206:25260)")
            k, _, v = part.partition(sep)
            out[k.strip()] = v.strip()
        contest_sizes = out
    if not hasattr(contest_sizes, "items"):
        raise InputError(f"contest_sizes: a dict contest id -> entries, got {contest_sizes!r}")
    known = entries.contests["contest_id"].tolist()
    sizes = {}
    for k, v in contest_sizes.items():
        cid = str(k).strip()
        if cid not in known and cid != "default":
            raise InputError(f"contest_sizes: contest {cid} is not in {entries.path} (its contests: "
                             f"{', '.join(known)})")
        try:
            f = float(v)
        except (TypeError, ValueError):
            raise InputError(f"contest_sizes[{cid}]: {v!r} is not a number of entries") from None
        if not np.isfinite(f) or f != round(f) or f < 2:
            raise InputError(f"contest_sizes[{cid}]: {v!r} must be a whole number of entries >= 2")
        sizes[cid] = int(f)
    return sizes


def contest_plan(entries, contest_sizes: dict, default_size: int) -> pd.DataFrame:
    """One row per contest of ``entries``: fee, field size and where it came from; the main contest first.

    A contest's size is, in order: given in ``contest_sizes``; inferred from the prize pool its name
    states (``NAS $100K ...`` at $4: pool / (fee x (1 - rake)) with the rake of the shipped payout
    curves, about 15%, which reproduces the maximum entries of every named real DK NASCAR contest of
    2026 in the data); else ``default_size``. The main contest (the one with most of my entries) is
    the one the analysis' ``entry_fee`` / ``field_size`` describe.
    """
    from ..contest import default_payout_fitter

    rake = float(default_payout_fitter().rake_)
    c = entries.contests.copy()
    size, src = [], []
    for _, r in c.iterrows():
        cid, fee, mine = r["contest_id"], float(r["entry_fee ($)"]), int(r["my entries"])
        pool = r["prize pool in name ($)"]
        if cid in contest_sizes:
            n, how = contest_sizes[cid], "given (contest_sizes)"
        elif pool == pool and pool is not None and fee > 0 and round(pool / (fee * (1 - rake))) > mine:
            n = int(round(pool / (fee * (1 - rake))))
            how = f"from the name: ${pool:,.0f} pool / (${fee:g} x (1 - {rake:.0%} rake))"
        else:
            n = int(contest_sizes.get("default", default_size))
            how = f"default field_size {n:,} (no size in the name; give contest_sizes)"
        if n <= mine:
            raise InputError(f"{entries.path}: contest {cid} ({r['contest_name']}) has {mine} of my entries but a field "
                             f"of {n:,} ({how}): the field counts every entry, mine included")
        if fee <= 0:
            raise InputError(f"{entries.path}: contest {cid} ({r['contest_name']}) is free (entry fee $0): its ROI is "
                             "undefined; remove its entries from the file")
        size.append(n)
        src.append(how)
    c["field size (entries)"] = size
    c["size from"] = src
    c["_order"] = np.arange(len(c))
    c = c.sort_values(["my entries", "_order"], ascending=[False, True], kind="stable").drop(columns="_order")
    return c.reset_index(drop=True)


_NOT_GPP = ("double up", "double-up", "50/50", "head to head", "h2h", "triple up", "quintuple up", "satellite",
            "qualifier")


def not_gpp(name: str) -> bool:
    """A contest name that says it is not a GPP (double-up, 50/50, head-to-head, satellite ...).

    Examples
    --------
    >>> not_gpp("NASCAR $3 Double Up"), not_gpp("NAS $100K Chrome Horn")
    (True, False)
    """
    n = str(name).lower()
    return any(k in n for k in _NOT_GPP)


def deal_lineups(entries, plan: pd.DataFrame) -> np.ndarray:
    """Lineup number (0-based, portfolio order) of each entry (file order).

    Lineups are dealt to the contests in turn, the main contest first (lineup 1 to contest A, 2 to B,
    ...; a contest that has all its lineups drops out), then each contest's lineups go to its entries in
    file order: every contest gets a share of the best lineups and never one lineup twice.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> e = SimpleNamespace(entries=pd.DataFrame({"contest_id": ["a", "b", "a", "a"]}))
    >>> deal_lineups(e, pd.DataFrame({"contest_id": ["a", "b"], "my entries": [3, 1]})).tolist()
    [0, 1, 2, 3]
    """
    need = dict(zip(plan["contest_id"], plan["my entries"].astype(int)))
    order = list(plan["contest_id"])
    got = {cid: [] for cid in order}
    k = 0
    while any(len(got[c]) < need[c] for c in order):
        for c in order:
            if len(got[c]) < need[c]:
                got[c].append(k)
                k += 1
    out = np.empty(len(entries.entries), dtype=np.int64)
    pos = {c: 0 for c in order}
    for i, cid in enumerate(entries.entries["contest_id"]):
        out[i] = got[cid][pos[cid]]
        pos[cid] += 1
    return out


def entry_table(a) -> pd.DataFrame:
    """Which lineup went to which entry: one row per entry in file order."""
    e = a.entries.entries
    L = a.portfolio.lineups
    k = a.entry_lineup_numbers
    names = a.slate.players["name"].astype(str).to_numpy()
    return pd.DataFrame({
        "file row": e["row"].to_numpy(), "entry id": e["entry_id"].to_numpy(),
        "contest": e["contest_name"].to_numpy(), "contest id": e["contest_id"].to_numpy(),
        "entry fee ($)": e["entry_fee ($)"].to_numpy(), "lineup": k + 1,
        "drivers": [", ".join(names[L[i]]) for i in k],
        "salary ($)": a.slate.salaries[L[k]].sum(1),
        "was": e["status"].to_numpy(),
    })


def contest_table(a) -> pd.DataFrame:
    """Each contest of the entries file simulated with its own fee, size and lineups (units in the names)."""
    rows = []
    for _, c in a.entry_plan.iterrows():
        res = a.entry_results[c["contest_id"]]
        p = res.portfolio
        lineups = sorted(int(x) + 1 for x in a.entry_lineup_numbers[(a.entries.entries["contest_id"]
                                                                     == c["contest_id"]).to_numpy()])
        rows.append({"contest": c["contest_name"], "contest id": c["contest_id"], "entry fee ($)": c["entry_fee ($)"],
                     "field size (entries)": int(c["field size (entries)"]), "size from": c["size from"],
                     "my entries": int(c["my entries"]), "lineups": _ranges(lineups),
                     "ROI (%)": 100 * p["roi_mean"], "ROI s.e. (pp)": 100 * p["roi_se"], "cash (%)": p["cash_pct"],
                     "win (%)": p["win_pct"], "top 1% (%)": p["top1_pct"]})
    return pd.DataFrame(rows)


def _ranges(nums) -> str:
    """[1, 2, 3, 5] -> '1-3, 5'."""
    out, i = [], 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        out.append(str(nums[i]) if i == j else f"{nums[i]}-{nums[j]}")
        i = j + 1
    return ", ".join(out)


__all__ = ["contest_plan", "contest_table", "deal_lineups", "entry_table", "not_gpp", "resolve_contest_sizes"]
