"""python-mip model of one lineup, re-solved sequentially.

The general engine and the cross-check of the enumeration: one binary
variable per driver, the static rules as linear constraints, and, between
solves, the dynamic rules added to the same model (a no-more-than-``o``
shared drivers cut per picked lineup, exposure caps as variable bounds, the
minimum-exposure look-ahead as bounds plus one covering row).
"""

from __future__ import annotations

import numpy as np

from ..exceptions import InputError

SOLVERS = {"cbc": "CBC", "highs": "HiGHS"}


def check_solver(solver: str) -> str:
    """Normalise a solver name ("CBC" or "HiGHS"); HiGHS needs ``highsbox``."""
    key = str(solver).lower()
    if key not in SOLVERS:
        raise InputError(f"solver: unknown solver {solver!r}; expected 'CBC' or 'HiGHS'")
    return SOLVERS[key]


def build_model(spec, solver: str = "CBC", families=None):
    """Build the single-lineup model; returns (model, x vars).

    ``families`` restricts the static constraint families (used by the
    infeasibility diagnosis); None means all of them.
    """
    import mip

    fam = _ALL if families is None else set(families)
    try:
        m = mip.Model(sense=mip.MAXIMIZE, solver_name=check_solver(solver))
    except Exception as exc:  # missing HiGHS library and similar
        raise InputError(f"solver {solver!r} is not available: {exc}") from exc
    m.verbose = 0
    m.threads = 1
    # exact: no relative gap, tiny absolute gap (objectives are points)
    m.max_mip_gap = 1e-10
    m.max_mip_gap_abs = 1e-7
    n = spec.n_players
    x = [m.add_var(var_type=mip.BINARY, name=f"x{i}") for i in range(n)]
    m += mip.xsum(x) == spec.roster_size, "roster"
    sal = spec.salary
    if "salary_cap" in fam:
        m += mip.xsum(int(sal[i]) * x[i] for i in range(n)) <= spec.salary_cap, "salary_cap"
    if "min_salary" in fam and spec.min_salary > 0:
        m += mip.xsum(int(sal[i]) * x[i] for i in range(n)) >= spec.min_salary, "min_salary"
    for i in range(n):
        if "locks" in fam and spec.locked[i]:
            x[i].lb = 1
        if "excludes" in fam and spec.excluded[i]:
            x[i].ub = 0
        if "max_ownership_per_driver" in fam and spec.over_own_cap[i]:
            x[i].ub = 0
    if "min_low_owned" in fam and spec.min_low_owned > 0:
        m += mip.xsum(x[i] for i in np.flatnonzero(spec.low)) >= spec.min_low_owned, "min_low_owned"
    if "max_total_ownership" in fam and spec.max_total_ownership is not None:
        m += (mip.xsum(float(spec.ownership[i]) * x[i] for i in range(n))
              <= spec.max_total_ownership + 1e-9), "max_total_ownership"
    return m, x


_ALL = {"salary_cap", "min_salary", "locks", "excludes", "max_ownership_per_driver", "min_low_owned",
        "max_total_ownership", "max_overlap", "max_exposure", "min_exposure"}


def add_dynamic(m, x, spec, state, families=None):
    """Add the rules that depend on the picks so far; returns the look-ahead rows."""
    import mip

    fam = _ALL if families is None else set(families)
    if "max_overlap" in fam and spec.max_overlap < spec.roster_size:
        for L in state.lineups:
            m += mip.xsum(x[i] for i in L) <= spec.max_overlap
    apply_bounds(x, spec, state, fam)
    if "min_exposure" in fam:
        return add_lookahead(m, x, spec, state)
    return []


def apply_bounds(x, spec, state, fam=_ALL):
    """Exposure caps (ub 0) and must-use drivers of the look-ahead (lb 1)."""
    if "max_exposure" in fam:
        for i in np.flatnonzero(state.counts >= spec.cap_count):
            x[i].ub = 0
    if "min_exposure" in fam:
        # the must-use set can shrink (pacing), so reset every paced driver's bound
        for i in np.flatnonzero((spec.min_count > 0) & ~spec.locked):
            x[i].lb = 1 if state.must[i] else 0


def add_lookahead(m, x, spec, state):
    """Look-ahead rows (b) and (c) of the minimum exposures; returns the rows added."""
    import mip

    rows = []
    if state.deficit_total == 0:
        return rows
    d = np.flatnonzero(state.deficit > 0)
    need = state.deficit_total - spec.roster_size * (state.remaining - 1)
    if need > 0:
        rows.append(m.add_constr(mip.xsum(x[i] for i in d) >= need))
    if state.due_excess:
        rows.append(m.add_constr(mip.xsum(x[i] for i in np.flatnonzero(state.next_due)) >= state.due_excess))
    return rows


def solve(m, x):
    """Optimize; returns the chosen indices or None when infeasible."""
    import mip

    st = m.optimize()
    if st == mip.OptimizationStatus.OPTIMAL:
        return np.flatnonzero(np.array([v.x for v in x]) > 0.5)
    if st in (mip.OptimizationStatus.INFEASIBLE, mip.OptimizationStatus.INT_INFEASIBLE):
        return None
    raise RuntimeError(f"python-mip returned status {st.name} on a lineup model")


def sequential_mip(spec, groups, state, on_stuck, solver="CBC"):
    """Plain sequential re-solving: one model, one cut per picked lineup."""
    import mip

    m, x = build_model(spec, solver)
    add_dynamic(m, x, spec, state, families=_ALL - {"min_exposure"})
    for score, count, label in groups:
        m.objective = mip.maximize(mip.xsum(float(score[i]) * x[i] for i in range(spec.n_players)))
        for _ in range(count):
            apply_bounds(x, spec, state)
            row = add_lookahead(m, x, spec, state)
            L = solve(m, x)
            if L is None:
                on_stuck(state, score)
            if row:
                m.remove(row)
            if len(L) != spec.roster_size:
                raise RuntimeError(f"python-mip returned {len(L)} drivers")
            state.add(L, label, float(score[L].sum()))
            if spec.max_overlap < spec.roster_size:
                m += mip.xsum(x[i] for i in L) <= spec.max_overlap
    return state


def feasible_with(spec, state, families, solver="CBC") -> bool:
    """Is there a next lineup when only ``families`` of rules apply?"""
    m, x = build_model(spec, solver, families)
    add_dynamic(m, x, spec, state, families)
    return solve(m, x) is not None  # no objective: feasibility only
