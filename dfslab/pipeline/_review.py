"""ContestReview: a real DraftKings contest after lock, from the standings file DK lets players download.

Before results (every entry's points 0): the race is simulated (:class:`SlateAnalysis`'s race step on
the slate of the contest's salary file) and the user's entries are ranked against the ACTUAL field of
the file -- its real lineups, real duplicates -- with the contest engine (DK's ranking and tie-split
prizes): P(win), P(cash), expected payout and ROI with Monte Carlo standard errors; the field's real
%Drafted against our ownership forecast.

After the race (points in): ranks and payouts reproduced with DK's rules (checked against the file's
Rank column), what won and its ownership, the user's entries against the field, and -- with a NASCAR
slate -- where what happened fell in the simulated distributions (the race part). Without a NASCAR
slate (an MLB / NFL file, or no salary file) the race part is skipped with a note and the rest works.
"""

from __future__ import annotations

import html
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DataFileError, InputError
from ..slate import Slate
from ..utils.validation import check_number, check_seed, int_seed

SPORTS = {"nascar": "NASCAR", "mlb": "MLB", "nfl": "NFL"}
#: Entry fee assumed when none is given and no payout table says otherwise (dollars; ROI and probabilities do
#: not depend on it with a fitted curve, dollar figures scale with it).
ASSUMED_FEE = 20.0
_SEEDS = ("race", "contest")


def _sport(rules) -> str:
    return SPORTS.get(rules.name, rules.name.upper())


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEFHILMNORSX" else "a"


class ContestReview:
    """Post-lock simulation and after-race review of one real DK contest (its standings file).

    Parameters
    ----------
    standings : path-like or ContestStandings
        DK's contest-standings export (``contest-standings-<id>.csv``), downloadable once the contest locks:
        every entry's lineup, DK's Rank and Points, and each player's %Drafted and FPTS.
    slate : Slate, optional
        The contest's slate (its ``DKSalaries.csv``, with the race's date, track, laps, starts ...). With a
        NASCAR slate the race is simulated; with an MLB / NFL slate or none, the race part is skipped (with a
        note) and ranks, payouts, what won and %Drafted are still reviewed.
    user : str, optional
        A DK user name: their entries (EntryName ``"name"`` or ``"name (k/n)"``, matched case-insensitively)
        are reviewed against the field. None: the field itself (its likeliest winners and most-entered lineups).
    payouts : PayoutTable, optional
        The contest's payout table; default a curve fitted on real DK GPP tables for the file's entry count
        and ``entry_fee`` (a note says which).
    entry_fee : float, optional
        Dollars per entry. Not in DK's standings file: when omitted it is estimated from the payout table's
        pool and the median real DK GPP rake, or $20 is assumed with a fitted curve (a note says which).
    n_scenarios : int
        Simulated races (NASCAR slate only).
    top : int
        Rows of the "top entries" / "likeliest winners" tables.
    scenarios : array_like (n, n_players), optional
        DK points of every slate driver in each scenario, used instead of simulating (tests, your own model).
    random_state : int
        Seed of the simulated races.
    progress : bool, optional
        Progress bars.

    Raises
    ------
    DataFileError
        The standings file is malformed or empty, belongs to another sport than the salary file, names a
        player the salary file does not have, or the user has no entry -- naming the file, the row and the
        problem.

    Examples
    --------
    >>> import os, tempfile
    >>> import dfslab
    >>> path = dfslab.demo_contest(tempfile.mkdtemp(), n_entries=300, n_user=3, random_state=0)
    >>> rv = dfslab.ContestReview(path, dfslab.demo_slate(), user="you", n_scenarios=300, random_state=1)
    >>> rv.phase, len(rv.my_entries)
    ('before results', 3)
    >>> bool((rv.my_entries["P(cash) (%)"] >= 0).all())
    True
    """

    def __init__(self, standings, slate: Slate | None = None, *, user: str | None = None, payouts=None,
                 entry_fee: float | None = None, n_scenarios: int = 5000, top: int = 10, scenarios=None,
                 random_state: int = 42, progress: bool | None = None):
        from ..io import ContestStandings, match_standings_to_salaries, read_contest_standings
        from ..payouts import PayoutTable

        cs = standings if isinstance(standings, ContestStandings) else read_contest_standings(standings)
        self.standings = cs
        self.path = cs.path
        self.notes: list[str] = list(cs.notes) + list(cs.collisions)
        self.n_entries = cs.n_entries
        self.blank = cs.entries["blank"].to_numpy(dtype=bool)
        self.results = cs.has_results
        self.user = None if user is None or not str(user).strip() else str(user).strip()
        self.mine = cs.entries_of(self.user) if self.user else np.zeros(0, dtype=np.int64)
        if self.user:
            self.user = str(cs.users.iloc[int(self.mine[0])])  # as the file spells it
        self.n_scenarios = check_number("n_scenarios", n_scenarios, lo=10, integer=True)
        self.top = check_number("top", top, lo=1, integer=True)
        seed = check_seed(random_state)
        if isinstance(seed, np.random.Generator):
            raise InputError("random_state: give an integer (a Generator's state would make the review depend on "
                             "the order its parts run)")
        self.random_state = random_state
        self._seed = dict(zip(_SEEDS, (seed if isinstance(seed, np.random.SeedSequence)
                                       else np.random.SeedSequence(seed)).spawn(len(_SEEDS))))
        self.progress = progress
        if payouts is not None and not isinstance(payouts, PayoutTable):
            raise InputError(f"payouts: expected a PayoutTable, got {type(payouts).__name__} (read one with "
                             "dfslab.read_payout_table)")
        # --- the slate: same sport, every rostered player in it ---------------------------------------
        self.slate = slate
        self.lineups_slate = None
        if slate is not None:
            if not isinstance(slate, Slate):
                raise InputError(f"slate: expected a dfslab.Slate, got {type(slate).__name__}")
            src = slate.meta.get("source", slate.name)
            if slate.rules.name != cs.rules.name:
                e = int(np.flatnonzero(~self.blank)[0])
                raise DataFileError(cs.path, f"{_article(_sport(cs.rules))} {_sport(cs.rules)} contest (lineup "
                                             f"{str(cs.entries['lineup'].iloc[e])[:50]!r}), but the salary file {src} "
                                             f"is {_article(_sport(slate.rules))} {_sport(slate.rules)} slate: give "
                                             "this contest's own salary file",
                                    row=int(cs.entries["file_row"].iloc[e]))
            rows, msgs = match_standings_to_salaries(cs, slate)
            used = np.unique(cs.lineups[cs.lineups >= 0])
            missing = np.setdiff1d(used, np.flatnonzero(rows >= 0))
            if missing.size:
                b = int(missing[0])
                e = int(np.flatnonzero((cs.lineups == b).any(1))[0])
                nm = cs.players["name"].iloc[b]
                raise DataFileError(cs.path, f"lineup holds {nm!r} ({cs.players['drafted_pct'].iloc[b]:.2f}% drafted), "
                                             f"who is not in the salary file {src} ({missing.size} such player(s)): "
                                             "is it this contest's salary file?",
                                    row=int(cs.entries["file_row"].iloc[e]))
            self.notes += [m for m in msgs if m]
            self.block_to_slate = rows
            L = np.where(cs.lineups >= 0, rows[np.maximum(cs.lineups, 0)], -1)
            self.lineups_slate = L
            if slate.rules.name == "nascar":  # every lineup legal under this salary file (else: which row, why)
                from ..slate import check_lineups

                ok = np.flatnonzero(~self.blank)
                labels = [f"{cs.path}, row {int(r)}" for r in cs.entries["file_row"].to_numpy()[ok]]
                try:
                    check_lineups(L[ok], slate, name="lineup", labels=labels)
                except InputError as e:
                    raise InputError(f"{e}: is {src} this contest's salary file?") from None
        # --- entry fee and payouts ---------------------------------------------------------------------
        fee = None if entry_fee in (None, 0, 0.0) else check_number("entry_fee", entry_fee, lo=0, lo_open=True)
        from ..contest import default_payout_fitter

        fitter = default_payout_fitter()
        if payouts is not None:
            if fee is None:
                fee = round(payouts.pool / (self.n_entries * (1.0 - fitter.rake_)), 2)
                self.notes.append(f"entry fee not given: ${fee:,.2f} estimated from the payout table's pool "
                                  f"(${payouts.pool:,.2f}) and the median real DK GPP rake ({fitter.rake_:.1%}); "
                                  "give entry_fee for exact ROI")
            self.payouts = payouts
            self.payout_source = (f"the given payout table ({payouts.n_paid:,} places paid, pool "
                                  f"${payouts.pool:,.2f}, 1st ${payouts.payout[0]:,.2f})")
        else:
            if fee is None:
                fee = ASSUMED_FEE
                self.notes.append(f"entry fee not given: ${fee:g} assumed (with a fitted payout curve, probabilities "
                                  "and ROI do not depend on it; dollar figures scale with it)")
            self.payouts = fitter.generate(entries=self.n_entries, entry_fee=fee)
            self.payout_source = (f"a payout curve fitted on real DK GPP tables for {self.n_entries:,} entries at "
                                  f"${fee:g} ({self.payouts.n_paid:,} places paid, pool ${self.payouts.pool:,.0f}); "
                                  "give the real table (payout_table) for exact payouts")
            self.notes.append(f"no payout table given: {self.payout_source}")
        self.entry_fee = float(fee)
        # --- the race part -------------------------------------------------------------------------------
        self.analysis = None
        if slate is None:
            self.race_note = ("no salary file given (with the contest's DKSalaries.csv the race is simulated: "
                              "P(win) / P(cash) against the actual field, and where the results fell)")
        elif slate.rules.name != "nascar":
            self.race_note = (f"{_article(_sport(slate.rules))} {_sport(slate.rules)} contest: dfslab simulates "
                              "NASCAR races only, so the race part is skipped; ranks, payouts, what won and %Drafted "
                              "are reviewed")
        elif (~self.blank).sum() < 2:
            self.race_note = "fewer than two submitted lineups: nothing to simulate"
        else:
            from ._analysis import SlateAnalysis

            if scenarios is None and slate.race_laps is None:
                raise InputError(f"{slate.name}: race_laps (the race length) is needed to simulate the race; give "
                                 "it (--race-laps) or scenarios=")
            self.analysis = SlateAnalysis(slate, n_scenarios=self.n_scenarios, n_lineups=1,
                                          field_size=max(2, self.n_entries), entry_fee=self.entry_fee,
                                          payouts=self.payouts, n_field_draws=1, scenarios=scenarios,
                                          given_scenarios="all", random_state=int_seed(self._seed["race"]),
                                          progress=progress)
            self.race_note = ""
            if not ("start" in slate.players and slate.players["start"].notna().all()):
                self.notes.append("no starting positions: each simulated race draws its own start order (give the "
                                  "qualifying results, starts=, once known: the contest locks after qualifying)")
        if self.user and self.blank[self.mine].any():
            self.notes.append(f"{int(self.blank[self.mine].sum())} of {self.user}'s entries are blank (DK scores "
                              "them 0 and ranks them last)")

    # ------------------------------------------------------------------ basics
    @property
    def phase(self) -> str:
        """``"before results"`` (every point 0: the post-lock simulation) or ``"after the race"``."""
        return "after the race" if self.results else "before results"

    @property
    def simulates(self) -> bool:
        """Whether the race part runs (a NASCAR slate)."""
        return self.analysis is not None

    @property
    def contest_name(self) -> str:
        p = Path(self.path) if self.path is not None else None
        return p.stem if p is not None else "contest"

    @cached_property
    def _groups(self):
        """Each entry's distinct-lineup id (-1 blank) and each distinct lineup's entry count."""
        L = self.standings.lineups
        g = np.full(self.n_entries, -1, dtype=np.int64)
        ok = ~self.blank
        if not ok.any():
            return g, np.zeros(0, np.int64), np.zeros((0, L.shape[1]), np.int64)
        U, inv, cnt = np.unique(np.sort(L[ok], axis=1), axis=0, return_inverse=True, return_counts=True)
        g[ok] = inv.ravel()
        return g, cnt, U

    @property
    def copies(self) -> np.ndarray:
        """How many entries of the contest hold each entry's lineup (itself included; 0 for blanks)."""
        g, cnt, _ = self._groups
        return np.where(g >= 0, cnt[np.maximum(g, 0)], 0)

    def _names(self, e) -> str:
        L = self.standings.lineups[e]
        if L[0] < 0:
            return "(blank lineup)"
        return ", ".join(self.standings.players["name"].to_numpy()[L])

    @cached_property
    def lineup_ownership(self) -> np.ndarray:
        """Summed actual %Drafted of each entry's players (percent; NaN for blanks)."""
        d = self.standings.players["drafted_pct"].to_numpy(dtype=float)
        L = self.standings.lineups
        return np.where(self.blank, np.nan, d[np.maximum(L, 0)].sum(1))

    @cached_property
    def lineup_salary(self) -> np.ndarray | None:
        if self.lineups_slate is None:
            return None
        s = self.slate.salaries
        return np.where(self.blank, np.nan, s[np.maximum(self.lineups_slate, 0)].sum(1))

    # ------------------------------------------------------------------ after the race: DK's ranks and payouts
    @cached_property
    def actual_points(self) -> np.ndarray:
        """Each entry's points: the sum of its players' FPTS (NaN for blank lineups, which DK scores 0)."""
        return np.round(self.standings.lineup_points(), 2)

    @cached_property
    def _ranked(self):
        from ..contest import rank_and_pay

        return rank_and_pay(self.actual_points, self.payouts)

    @property
    def rank(self) -> np.ndarray:
        """Ranks recomputed with DK's rules from the players' FPTS (ties share the best place, blanks last)."""
        return self._ranked[0]

    @property
    def payout(self) -> np.ndarray:
        """Each entry's prize (dollars) from the payout table: tied entries split the places they cover."""
        return self._ranked[1]

    @cached_property
    def reproduction(self) -> dict:
        """How the recomputed ranks and points compare with the file's (DK's) Rank and Points columns."""
        dk_rank = self.standings.entries["rank"].to_numpy()
        dk_pts = self.standings.entries["points"].to_numpy(dtype=float)
        pts = np.where(self.blank, 0.0, self.actual_points)
        same_rank = self.rank == dk_rank
        same_pts = np.abs(pts - dk_pts) < 0.011
        out = {"entries": self.n_entries, "ranks matching DK (%)": float(100.0 * same_rank.mean()),
               "ranks differing": int((~same_rank).sum()), "points matching DK (%)": float(100.0 * same_pts.mean()),
               "paid ($)": float(self.payout.sum()), "pool ($)": float(self.payouts.pool)}
        if (~same_rank).any():
            e = int(np.flatnonzero(~same_rank)[0])
            out["first difference"] = (f"row {int(self.standings.entries['file_row'].iloc[e])}: DK rank {dk_rank[e]}, "
                                       f"recomputed {self.rank[e]}")
        return out

    # ------------------------------------------------------------------ the race part
    @cached_property
    def scenario_points(self) -> np.ndarray:
        """DK points of every slate driver in every simulated race (n_scenarios, n_players)."""
        if not self.simulates:
            raise InputError(f"the race part is skipped: {self.race_note}")
        return np.asarray(self.analysis.scenarios.points, dtype=np.float64)

    @cached_property
    def outlook(self) -> dict:
        """Per simulated race, the actual field's winning score and cash line (the score of the last paid place),
        and each distinct lineup's share of simulated wins (ties at the top included).

        Keys: ``win_score``, ``cash_line`` (arrays, points), ``win_pct`` (per distinct lineup, percent; and
        ``win_pct_even`` on the even-numbered races only, which choose the likeliest winners).
        """
        P = np.rint(self.scenario_points * 100.0).astype(np.int64)  # centipoints: ranks as DK's 0.01
        g, cnt, U = self._groups
        rows = self.block_to_slate[U]                                  # distinct lineups in slate rows
        n_sub = int(cnt.sum())
        n_paid = min(self.payouts.n_paid, n_sub)
        S = len(P)
        win = np.empty(S)
        cash = np.empty(S)
        wins = np.zeros(len(U))
        wins_even = np.zeros(len(U))
        step = 2 * max(1, int(2.5e5 // max(1, len(U))))               # even: chunks start on an even scenario
        for s0 in range(0, S, step):
            sc = P[s0:s0 + step][:, rows].sum(-1)                      # (chunk, n_distinct)
            mx = sc.max(1)
            top = sc == mx[:, None]
            wins += top.sum(0)
            wins_even += top[::2].sum(0)
            win[s0:s0 + step] = mx / 100.0
            order = np.argsort(-sc, axis=1, kind="stable")
            cum = np.cumsum(cnt[order], axis=1)
            k = np.argmax(cum >= n_paid, axis=1)                      # the distinct lineup holding the last paid place
            r = np.arange(len(k))
            cash[s0:s0 + step] = sc[r, order[r, k]] / 100.0
        return {"win_score": win, "cash_line": cash, "win_pct": 100.0 * wins / S,
                "win_pct_even": 100.0 * wins_even / len(range(0, S, 2)), "n_paid": n_paid}

    @cached_property
    def sim_points(self) -> np.ndarray:
        """The simulated races the entries are scored on: all of them for a user's entries; without a user the
        odd-numbered ones (the even-numbered ones chose the likeliest winners, so their figures are not
        inflated by the choice)."""
        P = self.scenario_points
        return P if self.user else P[1::2]

    @cached_property
    def evaluated(self) -> np.ndarray:
        """Entries simulated as "mine": the user's submitted entries, or (no user) one entry of each of the
        field's most-entered lineups and likeliest winners (chosen on the even-numbered simulated races)."""
        if self.user:
            return self.mine[~self.blank[self.mine]]
        g, cnt, _ = self._groups
        first = np.full(len(cnt), -1, dtype=np.int64)
        ok = np.flatnonzero(g >= 0)
        first[g[ok][::-1]] = ok[::-1]                                  # the best-ranked (first) entry of each
        picks = list(np.argsort(-cnt, kind="stable")[:self.top])
        if self.simulates:
            picks += [i for i in np.argsort(-self.outlook["win_pct_even"], kind="stable")[:self.top] if i not in picks]
        return first[np.asarray(picks, dtype=np.int64)]

    @cached_property
    def simulation(self):
        """:class:`~dfslab.contest.ContestResult` of :attr:`evaluated` against the rest of the actual field
        (every other submitted lineup, duplicates included), over the simulated races."""
        from ..contest import ContestSimulator

        mine = self.evaluated
        if mine.size == 0:
            raise InputError(f"{self.user}: no submitted lineup to simulate (every entry is blank)")
        rest = np.setdiff1d(np.flatnonzero(~self.blank), mine)
        if rest.size == 0:
            raise InputError("the evaluated entries are the whole contest: no field to simulate against")
        F = self.lineups_slate[rest]  # checked when the review was made
        M = self.lineups_slate[mine]
        cs = ContestSimulator(self.payouts, field_size=len(F), entry_fee=self.entry_fee, n_field_draws=1,
                              random_state=int_seed(self._seed["contest"]), progress=self.progress)
        res = cs.simulate(M, self.sim_points, F, slate=self.slate)
        if not self.user:
            res.notes.append("no user: the field's most-entered lineups and its likeliest winners (chosen on the "
                             "even-numbered simulated races) are scored on the odd-numbered ones, so the choice does "
                             "not inflate their figures")
        if self.blank.any():
            res.notes.append(f"{int(self.blank.sum())} blank entries are left out of the simulated contest: DK ranks "
                             "them last, so they only matter if the table pays more places than there are lineups")
        return res

    # ------------------------------------------------------------------ tables
    @cached_property
    def entries(self) -> pd.DataFrame:
        """Every entry: DK's rank and points, the recomputed rank and payout (after the race), copies of its
        lineup in the contest, its summed %Drafted (and salary with a slate), whether it is the user's."""
        cs = self.standings
        d = pd.DataFrame({"entry": cs.entries["entry_name"].to_numpy(), "EntryId": cs.entries["entry_id"].to_numpy(),
                          "user": cs.users.to_numpy(), "row": cs.entries["file_row"].to_numpy()})
        d["lineup"] = [self._names(e) for e in range(self.n_entries)]
        d["copies in contest"] = self.copies
        d["lineup ownership (%)"] = self.lineup_ownership
        if self.lineup_salary is not None:
            d["salary ($)"] = self.lineup_salary
        if self.results:
            d["points (pts)"] = np.where(self.blank, 0.0, self.actual_points)
            d["DK rank"] = cs.entries["rank"].to_numpy()
            d["rank"] = self.rank
            d["top (%)"] = 100.0 * self.rank / self.n_entries
            d["payout ($)"] = self.payout
        mine = np.zeros(self.n_entries, bool)
        mine[self.mine] = True
        d["mine"] = mine
        return d

    @cached_property
    def field_summary(self) -> pd.DataFrame:
        """The field at a glance: entries, users, duplicates, salary and ownership (metric / value rows)."""
        cs = self.standings
        g, cnt, U = self._groups
        users = cs.users[~self.blank]
        vc = users.value_counts()
        sub = int((~self.blank).sum())
        dup = self.copies[~self.blank] > 1
        rows = [("entries", f"{self.n_entries:,}"), ("submitted lineups", f"{sub:,}"),
                ("blank lineups", f"{int(self.blank.sum()):,}"), ("users", f"{cs.users.nunique():,}"),
                ("most entries by one user", f"{vc.index[0]} ({int(vc.iloc[0])})" if len(vc) else "-"),
                ("distinct lineups", f"{len(cnt):,}"),
                ("entries whose lineup is entered more than once (%)", f"{100.0 * dup.mean():.1f}" if sub else "-"),
                ("most copies of one lineup", f"{int(cnt.max()) if len(cnt) else 0}"),
                ("mean summed %Drafted of a lineup (%)", f"{np.nanmean(self.lineup_ownership):.1f}" if sub else "-")]
        if self.lineup_salary is not None and sub:
            sal = self.lineup_salary[~self.blank]
            rows.append(("mean salary left ($)", f"{self.slate.rules.salary_cap - sal.mean():,.0f}"))
        rows += [("entry fee ($)", f"{self.entry_fee:,.2f}"), ("payouts", self.payout_source)]
        if self.results and sub:
            p = self.actual_points[~self.blank]
            paid = self.payout > 0
            rows += [("winning score (pts)", f"{p.max():.2f}"), ("median score (pts)", f"{np.median(p):.2f}"),
                     ("80th-percentile score (pts)", f"{np.percentile(p, 80):.2f}"),
                     ("cash line: lowest paid score (pts)", f"{np.nanmin(np.where(paid, self.actual_points, np.nan)):.2f}"
                      if paid.any() else "-")]
        return pd.DataFrame(rows, columns=["metric", "value"])

    @cached_property
    def my_entries(self) -> pd.DataFrame:
        """The user's entries (no user: the evaluated field lineups) -- before results their simulated P(win),
        P(cash), expected payout and ROI with Monte Carlo s.e.; after the race their points, rank, payout
        and (with a NASCAR slate) where the points fell in the lineup's simulated distribution."""
        rows = self.mine if self.user else self.evaluated if self.simulates else np.zeros(0, np.int64)
        e = self.entries.iloc[rows]
        keep = ["entry", "lineup", "copies in contest", "lineup ownership (%)"]
        keep += ["salary ($)"] if "salary ($)" in e else []
        if self.results:
            keep += ["points (pts)", "rank", "top (%)", "payout ($)"]
        d = e[keep].reset_index(drop=True)
        if self.results:
            d.insert(d.columns.get_loc("payout ($)") + 1, "profit ($)", d["payout ($)"] - self.entry_fee)
        if self.simulates and rows.size:
            res = self.simulation
            per = res.per_lineup
            pos = {int(v): k for k, v in enumerate(self.evaluated)}
            k = np.array([pos.get(int(r), -1) for r in rows])
            ok = k >= 0

            def col(values):
                out = np.full(len(rows), np.nan)
                out[ok] = np.asarray(values)[k[ok]]
                return out

            fee = self.entry_fee
            d["P(win) (%)"] = col(per["win_pct"])
            d["P(win) s.e. (pp)"] = col(per["win_se"])
            d["P(cash) (%)"] = col(per["cash_pct"])
            d["P(cash) s.e. (pp)"] = col(per["cash_se"])
            d["P(top 1%) (%)"] = col(per["top1_pct"])
            d["expected payout ($)"] = col(fee * (1.0 + per["roi_mean"]))
            d["expected payout s.e. ($)"] = col(fee * per["roi_se"])
            d["ROI (%)"] = col(100.0 * per["roi_mean"])
            d["ROI s.e. (pp)"] = col(100.0 * per["roi_se"])
            sim_pts = self.sim_points[:, self.lineups_slate[self.evaluated]].sum(-1)  # (S, evaluated)
            d["simulated mean (pts)"] = col(sim_pts.mean(0))
            if self.results:
                act = self.actual_points[rows]
                below = (np.round(sim_pts[:, k[ok]], 2) < act[ok]).mean(0)
                ties = (np.abs(sim_pts[:, k[ok]] - act[ok]) < 0.005).mean(0)
                pit = np.full(len(rows), np.nan)
                pit[ok] = below + 0.5 * ties
                d["points PIT"] = pit
        if not self.user and self.simulates:
            n_most = min(self.top, len(self._groups[1]))
            d.insert(1, "why shown", ["most entered" if i < n_most else "likely winner" for i in range(len(d))])
        return d

    @cached_property
    def portfolio(self) -> dict:
        """The user's entries together: simulated ROI and P(any cashes) with s.e. (NASCAR slate), and the
        realised payout after the race."""
        out = {}
        if not self.user:
            return out
        out["entries"] = int(self.mine.size)
        out["fees ($)"] = self.entry_fee * self.mine.size
        if self.simulates and self.evaluated.size:
            p = self.simulation.portfolio
            out.update({"simulated ROI (%)": 100 * p["roi_mean"], "ROI s.e. (pp)": 100 * p["roi_se"],
                        "P(at least one cashes) (%)": p["cash_pct"], "s.e. (pp)": p["cash_se"],
                        "P(a win) (%)": p["win_pct"], "expected winnings ($)":
                            self.entry_fee * self.evaluated.size * (1 + p["roi_mean"])})
        if self.results:
            won = float(self.payout[self.mine].sum())
            out.update({"won ($)": won, "realised ROI (%)": 100 * (won / out["fees ($)"] - 1),
                        "best rank": int(self.rank[self.mine].min())})
        return out

    @cached_property
    def winners(self) -> pd.DataFrame:
        """After the race: the winning lineup(s), their points, copies, users and each player's %Drafted."""
        if not self.results:
            return pd.DataFrame()
        g, cnt, _ = self._groups
        first = np.flatnonzero((self.rank == 1) & ~self.blank)
        d = self.standings.players["drafted_pct"].to_numpy(dtype=float)
        names = self.standings.players["name"].to_numpy()
        out = []
        for gid in pd.unique(g[first]):
            es = first[g[first] == gid]
            L = self.standings.lineups[es[0]]
            users = pd.unique(self.standings.users.to_numpy()[es])
            out.append({"lineup": ", ".join(f"{names[j]} ({d[j]:.1f}%)" for j in L),
                        "points (pts)": self.actual_points[es[0]], "entries": int(len(es)),
                        "payout each ($)": float(self.payout[es[0]]),
                        "summed %Drafted (%)": float(d[L].sum()),
                        "least-owned player (%)": float(d[L].min()),
                        "users": ", ".join(users[:5]) + (f" + {len(users) - 5} more" if len(users) > 5 else "")})
        return pd.DataFrame(out)

    @cached_property
    def top_entries(self) -> pd.DataFrame:
        """After the race: the best ``top`` distinct lineups by rank (one row per lineup, copies counted)."""
        if not self.results:
            return pd.DataFrame()
        d = self.entries
        order = np.lexsort((d["row"].to_numpy(), self.rank))
        g, _, _ = self._groups
        seen, keep = set(), []
        for e in order:
            if g[e] < 0 or g[e] in seen:
                continue
            seen.add(g[e])
            keep.append(e)
            if len(keep) >= self.top:
                break
        cols = ["rank", "points (pts)", "lineup", "copies in contest", "lineup ownership (%)"]
        cols += ["salary ($)"] if "salary ($)" in d else []
        t = d.iloc[keep][cols + ["payout ($)", "user"]].reset_index(drop=True)
        t["mine"] = d["mine"].to_numpy()[keep]
        return t

    @cached_property
    def forecast(self) -> pd.DataFrame | None:
        """Our ownership forecast (percent, with its 80% interval) per slate player, or None (no NASCAR slate)."""
        if not self.simulates:
            return None
        return self.analysis.ownership

    @cached_property
    def ownership(self) -> pd.DataFrame:
        """Actual %Drafted (DK's, over all entries; and over submitted lineups, what a forecast predicts) per
        player, against our forecast where one is possible; actual points after the race."""
        cs = self.standings
        n_sub = max(1, int((~self.blank).sum()))
        scale = self.n_entries / n_sub
        if self.slate is not None:
            p = self.slate.players
            d = pd.DataFrame({"player": p["name"].to_numpy(), "salary ($)": p["salary"].to_numpy(dtype=float)})
            drafted = np.zeros(len(p))
            fpts = np.full(len(p), np.nan)
            ok = self.block_to_slate >= 0
            drafted[self.block_to_slate[ok]] = cs.players["drafted_pct"].to_numpy(dtype=float)[ok]
            fpts[self.block_to_slate[ok]] = cs.players["fpts"].to_numpy(dtype=float)[ok]
        else:
            d = pd.DataFrame({"player": cs.players["name"].to_numpy()})
            drafted = cs.players["drafted_pct"].to_numpy(dtype=float)
            fpts = cs.players["fpts"].to_numpy(dtype=float)
        d["%Drafted (%)"] = drafted
        d["of submitted lineups (%)"] = drafted * scale
        if self.forecast is not None:
            f = self.forecast
            d["forecast (%)"] = f["ownership"].to_numpy()
            d["forecast low (%)"] = f["lower"].to_numpy()
            d["forecast high (%)"] = f["upper"].to_numpy()
            d["forecast error (pp)"] = d["forecast (%)"] - d["of submitted lineups (%)"]
            d["in 80% interval"] = ((d["of submitted lineups (%)"] >= d["forecast low (%)"] - 1e-9)
                                    & (d["of submitted lineups (%)"] <= d["forecast high (%)"] + 1e-9))
        if self.user and self.mine.size:
            L = self.standings.lineups[self.mine]
            L = L[L[:, 0] >= 0]
            cnt = np.bincount(L.ravel(), minlength=len(cs.players)) if len(L) else np.zeros(len(cs.players))
            exp = np.zeros(len(d))
            if self.slate is not None:
                ok = self.block_to_slate >= 0
                exp[self.block_to_slate[ok]] = cnt[ok]
            else:
                exp = cnt.astype(float)
            d["my exposure (%)"] = 100.0 * exp / max(1, len(L))
        if self.simulates:
            P = self.scenario_points
            d["simulated mean (pts)"] = P.mean(0)
            d["simulated p10 (pts)"] = np.percentile(P, 10, axis=0)
            d["simulated p90 (pts)"] = np.percentile(P, 90, axis=0)
        if self.results:
            d["actual points (pts)"] = fpts
            if self.simulates:
                a = fpts[None, :]
                d["points PIT"] = np.where(np.isnan(fpts), np.nan,
                                           (P < a - 0.005).mean(0) + 0.5 * (np.abs(P - a) < 0.005).mean(0))
        return d.sort_values("%Drafted (%)", ascending=False, kind="stable").reset_index(drop=True)

    @cached_property
    def ownership_summary(self) -> dict:
        """How the forecast did against the actual %Drafted: MAE, bias, 80% coverage, correlation (all players
        of the slate; and the 10 most-owned)."""
        if self.forecast is None:
            return {}
        d = self.ownership
        err = d["forecast error (pp)"].to_numpy()
        top = d.head(10)
        # (the mean error over every player is ~0 by construction: both sum to 600; the bias that matters is the chalk's)
        return {"players": int(len(d)), "MAE (pp)": float(np.abs(err).mean()),
                "80% interval coverage (%)": 100.0 * float(d["in 80% interval"].mean()),
                "correlation": float(np.corrcoef(d["forecast (%)"], d["of submitted lineups (%)"])[0, 1]),
                "MAE on the 10 most-owned (pp)": float(top["forecast error (pp)"].abs().mean()),
                "bias on the 10 most-owned (pp)": float(top["forecast error (pp)"].mean())}

    @cached_property
    def outlook_table(self) -> pd.DataFrame:
        """The simulated winning score and cash line of the actual field (p10 / median / p90), with the real
        ones and where they fell (PIT) after the race."""
        if not self.simulates:
            return pd.DataFrame()
        o = self.outlook
        rows = []
        real = {}
        if self.results:
            p = self.actual_points[~self.blank]
            paid = self.payout > 0
            real = {"winning score": float(p.max()),
                    "cash line (last paid place)": float(np.nanmin(np.where(paid, self.actual_points, np.nan)))
                    if paid.any() else np.nan}
        for name, key in (("winning score", "win_score"), ("cash line (last paid place)", "cash_line")):
            v = o[key]
            r = {"score": name, "p10 (pts)": np.percentile(v, 10), "median (pts)": np.median(v),
                 "p90 (pts)": np.percentile(v, 90)}
            if self.results:
                r["actual (pts)"] = real[name]
                r["PIT"] = float((v < real[name] - 0.005).mean() + 0.5 * (np.abs(v - real[name]) < 0.005).mean())
            rows.append(r)
        return pd.DataFrame(rows)

    # ------------------------------------------------------------------ compute everything
    def run(self) -> "ContestReview":
        """Compute every part (simulation and tables)."""
        for name in ("entries", "field_summary", "ownership", "ownership_summary", "my_entries", "portfolio",
                     "winners", "top_entries", "outlook_table"):
            getattr(self, name)
        return self

    # ------------------------------------------------------------------ plots (each returns the Axes)
    def plot_ownership(self, ax=None):
        """Our forecast against the actual %Drafted (a scatter); without a forecast, the most-drafted players."""
        from ..plots import ownership_vs_actual

        d = self.ownership
        return ownership_vs_actual(d["of submitted lineups (%)"].to_numpy(), d["player"].tolist(),
                                   None if "forecast (%)" not in d else d["forecast (%)"].to_numpy(),
                                   None if "forecast low (%)" not in d else d[["forecast low (%)",
                                                                               "forecast high (%)"]].to_numpy(),
                                   ax=ax)

    def plot_outlook(self, ax=None):
        """Simulated winning score and cash line of the actual field (with the real ones after the race)."""
        from ..plots import score_outlook

        o = self.outlook
        real = None
        if self.results:
            t = self.outlook_table.set_index("score")["actual (pts)"]
            real = (t.iloc[0], t.iloc[1])
        mine = None
        if self.user and self.evaluated.size:
            mine = self.sim_points[:, self.lineups_slate[self.evaluated]].sum(-1).mean(0)
        return score_outlook(o["win_score"], o["cash_line"], real=real, mine=mine, ax=ax)

    def plot_entries(self, ax=None):
        """After the race: the field's points with the user's entries (and the cash line) marked; before results:
        each evaluated entry's simulated ROI with +-2 s.e."""
        from ..plots import entry_roi, field_points

        if self.results:
            pts = self.actual_points[~self.blank]
            paid = self.payout > 0
            line = float(np.nanmin(np.where(paid, self.actual_points, np.nan))) if paid.any() else None
            mine = self.actual_points[self.mine][~self.blank[self.mine]] if self.user else None
            return field_points(pts, mine=mine, cash_line=line, who=self.user or "", ax=ax)
        d = self.my_entries
        if "ROI (%)" not in d:
            raise InputError(f"nothing to plot before results without the race part: {self.race_note}")
        return entry_roi(d["ROI (%)"].to_numpy(), d["ROI s.e. (pp)"].to_numpy(),
                         -100.0 * self.payouts.rake(self.n_entries, self.entry_fee), labels=d["entry"].tolist(), ax=ax)

    # ------------------------------------------------------------------ display
    def headline(self) -> list[str]:
        """The review in a few sentences (plain text with **bold**), for displays and reports."""
        out = [f"{self.n_entries:,} entries ({_sport(self.standings.rules)}), {self.phase}; entry fee "
               f"${self.entry_fee:,.2f}; payouts: {self.payout_source}."]
        if self.results:
            r = self.reproduction
            out.append(f"Ranks recomputed with DK's rules equal the file's Rank for **{r['ranks matching DK (%)']:.2f}%** "
                       f"of entries; the table pays ${r['paid ($)']:,.2f} of a ${r['pool ($)']:,.2f} pool.")
            w = self.winners
            if len(w):
                out.append(f"Won with **{w['points (pts)'].iloc[0]:.2f}** points by {int(w['entries'].sum())} "
                           f"entr{'y' if int(w['entries'].sum()) == 1 else 'ies'}: {w['lineup'].iloc[0]} (summed "
                           f"%Drafted {w['summed %Drafted (%)'].iloc[0]:.0f}%).")
        pf = self.portfolio
        if self.user:
            line = f"**{self.user}**: {pf['entries']} entr{'y' if pf['entries'] == 1 else 'ies'}"
            if "simulated ROI (%)" in pf:
                line += (f"; simulated against the actual field: ROI **{pf['simulated ROI (%)']:+.1f}% ± "
                         f"{pf['ROI s.e. (pp)']:.1f}**, at least one cashes in {pf['P(at least one cashes) (%)']:.1f}% "
                         f"± {pf['s.e. (pp)']:.1f} of simulated races")
            if self.results:
                line += (f"; won ${pf['won ($)']:,.2f} on ${pf['fees ($)']:,.2f} of fees (ROI "
                         f"{pf['realised ROI (%)']:+.1f}%), best rank {pf['best rank']:,}")
            out.append(line + ".")
        if self.race_note:
            out.append(f"Race part skipped: {self.race_note}.")
        s = self.ownership_summary
        if s:
            out.append(f"Ownership forecast vs actual %Drafted: MAE {s['MAE (pp)']:.1f} pp over {s['players']} players; "
                       f"on the 10 most-owned MAE {s['MAE on the 10 most-owned (pp)']:.1f} pp, bias "
                       f"{s['bias on the 10 most-owned (pp)']:+.1f} pp; 80% intervals cover "
                       f"{s['80% interval coverage (%)']:.0f}%.")
        return out

    def _repr_html_(self) -> str:
        from ..utils.display import box, fold

        def md(s: str) -> str:
            s = html.escape(s)
            parts = s.split("**")
            return "".join(f"<b>{p}</b>" if i % 2 else p for i, p in enumerate(parts))

        lines = [f"{html.escape(self.contest_name)}"] + [md(x) for x in self.headline()]
        folded = []
        if self.user or self.simulates or self.results:
            folded.append(("entries reviewed", self.my_entries.to_html(index=False, float_format=lambda v: f"{v:,.2f}",
                                                                      border=0, max_rows=40)))
        if self.results:
            folded.append(("what won", self.winners.to_html(index=False, border=0, float_format=lambda v: f"{v:,.2f}")))
        folded.append(("ownership", self.ownership.head(40).to_html(index=False, border=0,
                                                                   float_format=lambda v: f"{v:,.2f}")))
        if self.notes:
            folded.append((f"{len(self.notes)} note(s)", "<ul>" + "".join(f"<li>{html.escape(n)}</li>"
                                                                           for n in self.notes) + "</ul>"))
        return box("ContestReview", lines, []) + "".join(fold(s, b) for s, b in folded)

    def __repr__(self) -> str:
        return (f"ContestReview({self.contest_name!r}, entries={self.n_entries}, user={self.user!r}, "
                f"phase={self.phase!r})")


def review_contest(standings, slate: Slate | None = None, *, user: str | None = None, payouts=None,
                   entry_fee: float | None = None, n_scenarios: int = 5000, top: int = 10, scenarios=None,
                   random_state: int = 42, progress: bool | None = None) -> ContestReview:
    """Review a real DK contest from its standings file: :class:`ContestReview`, every part computed.

    Examples
    --------
    >>> import tempfile
    >>> import dfslab
    >>> path = dfslab.demo_contest(tempfile.mkdtemp(), n_entries=300, results=True, random_state=0)
    >>> rv = dfslab.review_contest(path, user="you", n_scenarios=200)   # no slate: the race part is skipped
    >>> rv.reproduction["ranks matching DK (%)"], rv.simulates
    (100.0, False)
    """
    return ContestReview(standings, slate, user=user, payouts=payouts, entry_fee=entry_fee, n_scenarios=n_scenarios,
                         top=top, scenarios=scenarios, random_state=random_state, progress=progress).run()


def demo_contest(folder, *, n_entries: int = 1000, user: str = "you", n_user: int = 5, results: bool = False,
                 random_state: int = 0) -> Path:
    """Write a synthetic contest-standings file on the demo slate (for trying the review without a real file).

    The field is sampled like the slate report's opponents (:class:`SlateAnalysis`'s field: ownership
    forecast, projection-driven entries, duplicates), with entries spread over users as DK names them
    (``"name (k/n)"``); ``user`` enters ``n_user`` lineups built by the optimizer. ``results=True`` fills
    the FPTS of one simulated race (the contest after the race); otherwise every point is 0 (at lock).

    Returns
    -------
    Path
        ``<folder>/contest-standings-demo.csv``.
    """
    from ..demo import demo_slate
    from ..io import write_contest_standings
    from ._analysis import SlateAnalysis

    n_entries = check_number("n_entries", n_entries, lo=2, integer=True)
    n_user = check_number("n_user", n_user, lo=0, hi=n_entries - 1, integer=True)
    ss = np.random.SeedSequence(check_number("random_state", random_state, lo=0, integer=True))
    s_an, s_field, s_names = ss.spawn(3)
    slate = demo_slate()
    a = SlateAnalysis(slate, n_scenarios=400, n_lineups=max(1, n_user), field_size=n_entries, n_field_draws=1,
                      random_state=int_seed(s_an), progress=False)
    rng = np.random.default_rng(s_field)
    field = a.field.draw_field(n_entries - n_user, rng)
    lineups = np.vstack([a.portfolio.lineups[:n_user], field]) if n_user else field
    # entries over users: a few multi-entrants (up to 20 entries), most users with one
    rng_n = np.random.default_rng(s_names)
    owners = []
    k = 0
    while len(owners) < n_entries - n_user:
        m = int(min(20, rng_n.zipf(2.2)))
        owners += [f"player{k:04d}"] * m
        k += 1
    owners = owners[:n_entries - n_user]
    counts = pd.Series(owners).value_counts()
    seen: dict[str, int] = {}
    names = [f"{user} ({i + 1}/{n_user})" if n_user > 1 else user for i in range(n_user)]
    for o in owners:
        seen[o] = seen.get(o, 0) + 1
        names.append(f"{o} ({seen[o]}/{counts[o]})" if counts[o] > 1 else o)
    perm = rng_n.permutation(n_entries)
    fpts = np.round(a.eval_scenarios.points[0], 2) if results else None
    folder = Path(folder)
    return write_contest_standings(folder / "contest-standings-demo.csv", lineups[perm], slate,
                                   entry_names=[names[i] for i in perm], fpts=fpts,
                                   entry_ids=900_000_000 + np.arange(n_entries))
