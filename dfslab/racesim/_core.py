"""Vectorized race engine: one call simulates many races (rows) at once.

Every per-scenario quantity is an array over rows, so the same engine runs
10,000 scenarios of one race or a stack of different historical races
(padded with ``valid=False`` columns) during calibration.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

REGIME_NAMES = ("dominator", "chaos", "fuel_mileage")
PARAM_KEYS = ("beta_s", "beta_q", "dnf_a", "dnf_b", "gf_a", "gf_b", "rho", "lead_gain", "lead_bonus",
              "ll_kappa", "ll_alpha", "fl_kappa", "fl_alpha")
OPTIONAL_KEYS = {"ll_close": 0.0}  # absent in older parameter files: no closing stint
_TROUBLE_SCORE = -1.0e3  # a running car with trouble finishes behind every car without trouble
_DNF_SCORE = -1.0e6  # DNFs sort behind every running car, then by how far they got
_PAD_SCORE = -1.0e9  # padded (non-existent) cars sort behind everything


def start_score(start) -> np.ndarray:
    """Normal score of the qualifying rank within the field (pole ~ +2, last ~ -2)."""
    st = np.asarray(start, dtype=float)
    n = len(st)
    rank = np.argsort(np.argsort(st, kind="stable"), kind="stable") + 1.0
    return ndtri(1.0 - (rank - 0.5) / n)


def draw_qualifying(rng, strength, n, coef) -> np.ndarray:
    """Start orders (n, D) int16, 1 = pole: Plackett-Luce on ``coef * strength`` (Gumbel noise).

    For a slate before qualifying: each simulated race gets its own start order, the
    stronger cars usually nearer the front (``coef`` fitted by
    ``scripts/fit_qualifying.py``).

    Examples
    --------
    >>> import numpy as np
    >>> st = draw_qualifying(np.random.default_rng(0), np.array([1.0, 0.0, -1.0]), 1000, 1.5)
    >>> sorted(st[0].tolist()), bool((st[:, 0] == 1).mean() > (st[:, 2] == 1).mean())
    ([1, 2, 3], True)
    """
    s = np.asarray(strength, float)
    key = coef * s[None, :] + rng.gumbel(size=(n, len(s)))
    order = np.argsort(-key, axis=1, kind="stable")
    start = np.empty((n, len(s)), dtype=np.int16)
    np.put_along_axis(start, order, np.broadcast_to(np.arange(1, len(s) + 1, dtype=np.int16), (n, len(s))), axis=1)
    return start


def start_score_rows(start) -> np.ndarray:
    """:func:`start_score` of each row of start positions (n, D) that are a permutation of 1..D."""
    st = np.asarray(start, dtype=float)
    return ndtri(1.0 - (st - 0.5) / st.shape[1])


def _alloc(rng, total, pace, kappa, alpha, weight):
    """Split ``total`` laps per row among drivers.

    Shares ~ Dirichlet(alpha * softmax(kappa * pace) * weight): ``kappa`` sets how
    strongly speed concentrates the laps, ``alpha`` how much a race departs from
    that expectation (small alpha = one driver takes most). Counts are a
    multinomial draw, so every row sums exactly to ``total``.
    """
    with np.errstate(invalid="ignore"):
        z = kappa[:, None] * (pace - pace.max(axis=1, keepdims=True))
    w = np.exp(np.where(weight > 0, z, -np.inf)) * weight
    w_sum = w.sum(axis=1, keepdims=True)
    base = w / w_sum
    g = rng.standard_gamma(np.maximum(alpha[:, None] * base, 1e-300))
    g = np.where(weight > 0, g, 0.0)
    gs = g.sum(axis=1, keepdims=True)
    shares = np.where(gs > 0, g / np.where(gs > 0, gs, 1.0), base)
    shares /= shares.sum(axis=1, keepdims=True)
    return rng.multinomial(total, shares)


def simulate_rows(rng, u, laps, p_dnf, rho, ll_kappa, ll_alpha, fl_total, fl_kappa, fl_alpha, valid=None,
                  lead_gain=None, dnf_shift=None, lead_bonus=None, ll_close=None, finish_gain=None,
                  trouble=None, pace_shift=None):
    """Simulate one race per row.

    Parameters
    ----------
    rng : numpy.random.Generator
    u : ndarray (n, D)
        Driver utilities (strength in Gumbel-noise units) per row.
    laps, fl_total : int arrays (n,)
        Laps to lead and fastest laps to hand out per row.
    p_dnf, rho, ll_kappa, ll_alpha, fl_kappa, fl_alpha : float arrays (n,)
        Per-row DNF probability, finish/pace noise correlation and lap-allocation
        parameters.
    valid : bool array (D,) or (n, D), optional
        False marks padding columns (never lead, never DNF, rank last).
    lead_gain : float array (n,), optional
        Pace = lead_gain * u + noise: how much more strength matters for leading
        laps and setting fastest laps than for the finish (default 1).
    dnf_shift : float array (D,) or (n, D), optional
        Per-driver shift of the DNF log-odds (weaker / back-starting cars fail more).
    lead_bonus : float array (n,), optional
        Finish score bonus per unit share of laps led (track position: the car that
        led the race is usually near the front at the end).
    ll_close : float array (n,), optional
        Mean share of the laps in the closing stint led by the eventual winner
        (the winner leads the last lap; at superspeedways that is most of what the
        winner leads). The stint is ``ll_close * Exponential(1)`` of the laps (capped
        at all of them); the remaining laps go through the pace allocation.
    finish_gain : float array (n,), optional
        Finish score = finish_gain * u + noise: how decisive strength is for the
        finishing order, separately from laps led (default 1).
    trouble : float array (n,), optional
        Probability that a running car has trouble (damage, a pit penalty, a spin):
        it finishes behind every running car without trouble, still ahead of the
        DNFs (the top of the field can have a bad day without retiring).
    pace_shift : float array (D,) or (n, D), optional
        Added to the pace only (who leads laps and sets fastest laps), not to the finish:
        speed seen before the race (practice) that says more about leading than about
        the finishing order.

    Returns
    -------
    finish (int16, 1..D per row, padding last), laps_led (int32), fastest_laps (int32), dnf (bool)
    """
    n, D = u.shape
    if valid is None:
        valid = np.ones((1, D), dtype=bool)
    valid = np.broadcast_to(valid, (n, D))
    g1 = rng.gumbel(size=(n, D))
    g2 = rng.gumbel(size=(n, D))
    gain = np.ones(n) if lead_gain is None else lead_gain
    pace = gain[:, None] * u + g1  # speed on the day: decides who leads and who sets fastest laps
    if pace_shift is not None:
        pace = pace + pace_shift
    r = rho[:, None]
    # Finish noise shares a part rho with pace; the rest is strategy/luck that
    # reshuffles the finish without changing who was fast (low rho = fuel mileage).
    fg = 1.0 if finish_gain is None else finish_gain[:, None]
    fin = fg * u + r * g1 + np.sqrt(1.0 - r * r) * g2
    p = p_dnf[:, None]
    if dnf_shift is not None:
        lo = np.log(np.clip(p, 1e-9, 1 - 1e-9)) - np.log1p(-np.clip(p, 1e-9, 1 - 1e-9)) + dnf_shift
        p = 1.0 / (1.0 + np.exp(-lo))
        # Rescale so the field's mean DNF probability is the race's drawn rate: the shift says
        # WHO fails, not how many (without this the logistic shift inflates the count).
        pm = np.where(valid, p, 0.0).sum(1, keepdims=True) / np.maximum(valid.sum(1, keepdims=True), 1)
        p = np.clip(p * (p_dnf[:, None] / np.maximum(pm, 1e-12)), 0.0, 0.99)
    dnf = (rng.random((n, D)) < p) & valid
    exit_frac = np.where(dnf, rng.random((n, D)), 1.0)  # share of the race a DNF car completed
    pace = np.where(valid, pace, -np.inf)
    weight = np.where(valid, exit_frac, 0.0)  # a car out early could only lead early laps
    if ll_close is None:
        close = np.zeros(n, dtype=np.int64)
    else:
        close = np.minimum(np.rint(ll_close * rng.standard_exponential(n) * laps), laps).astype(np.int64)
    laps_led = _alloc(rng, laps - close, pace, ll_kappa, ll_alpha, weight)
    fastest = _alloc(rng, fl_total, pace, fl_kappa, fl_alpha, weight)
    if lead_bonus is not None:
        fin = fin + lead_bonus[:, None] * (laps_led / laps[:, None])
    if trouble is not None and np.any(trouble > 0):
        # drawn last, so the other draws are those of a simulation without trouble
        fin = fin + np.where(rng.random((n, D)) < trouble[:, None], _TROUBLE_SCORE, 0.0)
    score = np.where(dnf, _DNF_SCORE + exit_frac, fin)
    score = np.where(valid, score, _PAD_SCORE)
    order = np.argsort(-score, axis=1, kind="stable")
    finish = np.empty((n, D), dtype=np.int16)
    np.put_along_axis(finish, order, np.broadcast_to(np.arange(1, D + 1, dtype=np.int16), (n, D)), axis=1)
    if ll_close is not None:
        laps_led[np.arange(n), order[:, 0]] += close  # the winner leads the closing stint
    return finish, laps_led, fastest, dnf


def dnf_shift(arch_params, strength, qscore):
    """Per-driver DNF log-odds shift: gamma_s * (strength - field mean) + gamma_q * start score."""
    gs = arch_params.get("dnf_gamma_s", 0.0)
    gq = arch_params.get("dnf_gamma_q", 0.0)
    s = np.asarray(strength, float)
    return gs * (s - s.mean()) + gq * np.asarray(qscore, float)


def draw_regime_rows(rng, n, arch_params, strength, qscore, laps, temperature=1.0, mean_error=0.0,
                     finish_gain=1.0, pace_strength=None):
    """Draw regimes for ``n`` rows of one race and build the per-row arguments of simulate_rows.

    ``qscore`` is the start score per driver (D,), or per row and driver (n, D) when
    every row has its own start order.

    ``mean_error`` > 0 draws each row's driver strengths around ``strength`` with that
    standard deviation (the mean is not known exactly: each scenario is a world
    whose driver means differ from ours). ``finish_gain`` multiplies the finish
    utility (on top of the archetype's own ``finish_gain``). ``pace_strength`` (D,), in
    strength units, is added to the race pace only (``lead_gain * beta_s * pace_strength``):
    the practice-speed channel of who leads laps and sets fastest laps.

    Two optional entries of ``arch_params`` (set per slate by :class:`~dfslab.RaceSimulator`): ``dnf_scale``
    multiplies each row's DNF rate (the series' recent DNF level); ``chalk`` = (loading (D,), sd) adds
    ``sd * z * loading`` to every driver's strength with one ``z ~ N(0, 1)`` per row (a factor shared by the
    drivers the crowd owns: real fields' outcomes vary together more than independent drivers do).
    """
    probs = np.asarray(arch_params["regime_probs"], float)
    regime = rng.choice(len(REGIME_NAMES), size=n, p=probs / probs.sum()).astype(np.int8)
    P = {k: np.array([arch_params["regimes"][r][k] for r in REGIME_NAMES], float) for k in PARAM_KEYS}
    P.update({k: np.array([arch_params["regimes"][r].get(k, d) for r in REGIME_NAMES], float)
              for k, d in OPTIONAL_KEYS.items()})
    p_dnf = rng.beta(P["dnf_a"][regime], P["dnf_b"][regime])
    scale = float(arch_params.get("dnf_scale", 1.0))
    if scale != 1.0:  # recency-weighted DNF level of the series (racesim/_dnf.py)
        p_dnf = np.clip(p_dnf * scale, 0.0, 0.9)
    gf = rng.beta(P["gf_a"][regime], P["gf_b"][regime])
    fl_total = np.rint(gf * laps).astype(np.int64)
    # qscore (D,) or (n, D): one start order per row before qualifying; broadcasting covers both
    u = P["beta_s"][regime][:, None] * np.asarray(strength, float) + P["beta_q"][regime][:, None] * np.asarray(qscore)
    if mean_error > 0:
        u = u + P["beta_s"][regime][:, None] * (mean_error * rng.standard_normal(u.shape))
    chalk = arch_params.get("chalk")
    if chalk is not None and chalk[1] > 0:
        # one shared factor per row: the crowd's drivers (loading = standardized log ownership) rise or fall together
        z = rng.standard_normal(n)
        u = u + P["beta_s"][regime][:, None] * (chalk[1] * z[:, None] * np.asarray(chalk[0], float)[None, :])
    u = u / temperature
    fg = np.full(n, float(finish_gain) * float(arch_params.get("finish_gain", 1.0)))
    args = dict(u=u, laps=np.full(n, laps, dtype=np.int64), p_dnf=p_dnf, rho=P["rho"][regime],
                ll_kappa=P["ll_kappa"][regime], ll_alpha=P["ll_alpha"][regime], fl_total=fl_total,
                fl_kappa=P["fl_kappa"][regime], fl_alpha=P["fl_alpha"][regime], lead_gain=P["lead_gain"][regime],
                lead_bonus=P["lead_bonus"][regime], ll_close=P["ll_close"][regime], finish_gain=fg,
                trouble=np.full(n, float(arch_params.get("finish_trouble", 0.0))),
                dnf_shift=np.atleast_2d(dnf_shift(arch_params, strength, qscore)))
    if pace_strength is not None:
        args["pace_shift"] = (P["lead_gain"][regime] * P["beta_s"][regime])[:, None] * \
            np.asarray(pace_strength, float)[None, :] / temperature
    return regime, args
