"""Roster rules: slots, eligible positions, salary cap.

DK NASCAR classic is 6 drivers in slot ``D`` under a $50,000 cap. The same type
expresses DK classic rosters of other sports (MLB, NFL), on which the contest
engine is validated against real contests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from .exceptions import InputError


@dataclass(frozen=True)
class RosterRules:
    """Roster construction rules of a DK classic contest.

    Parameters
    ----------
    slots : tuple of str
        Slot labels in roster order (``("D",) * 6`` for NASCAR).
    eligibility : mapping of str to frozenset of str
        For each slot label, the player positions that may fill it.
    salary_cap : int
        Maximum total salary of a lineup.
    min_salary : int
        Minimum total salary (0 = none).
    name : str
        A short label ("nascar", "mlb", "nfl").

    Examples
    --------
    >>> NASCAR_CLASSIC.roster_size, NASCAR_CLASSIC.salary_cap
    (6, 50000)
    >>> NASCAR_CLASSIC.ownership_total
    600.0
    """

    slots: tuple[str, ...]
    eligibility: Mapping[str, frozenset] = field(default_factory=dict)
    salary_cap: int = 50_000
    min_salary: int = 0
    name: str = "custom"

    def __post_init__(self):
        if len(self.slots) < 1:
            raise InputError("RosterRules.slots: a roster needs at least one slot")
        if self.salary_cap <= 0:
            raise InputError(f"RosterRules.salary_cap must be positive, got {self.salary_cap}")
        if not 0 <= self.min_salary <= self.salary_cap:
            raise InputError(
                f"RosterRules.min_salary must be in [0, salary_cap={self.salary_cap}], got {self.min_salary}"
            )
        elig = {s: frozenset(self.eligibility.get(s, {s})) for s in set(self.slots)}
        object.__setattr__(self, "eligibility", elig)

    @property
    def roster_size(self) -> int:
        """Number of players in a lineup."""
        return len(self.slots)

    @property
    def ownership_total(self) -> float:
        """Sum of ownership percentages over a slate: 100 x roster size."""
        return 100.0 * self.roster_size

    @property
    def slot_labels(self) -> tuple[str, ...]:
        """Distinct slot labels in roster order."""
        return tuple(dict.fromkeys(self.slots))

    @property
    def is_positionless(self) -> bool:
        """True when every slot takes the same positions (NASCAR)."""
        return len({self.eligibility[s] for s in self.slots}) == 1

    def with_min_salary(self, min_salary: int) -> "RosterRules":
        """Copy with a different minimum salary."""
        return RosterRules(self.slots, self.eligibility, self.salary_cap, int(min_salary), self.name)

    def eligible_matrix(self, positions) -> np.ndarray:
        """Boolean (n_players, n_slots): may player i fill slot j.

        ``positions`` holds DK position strings; multi-position players use
        ``/`` ("1B/OF", "SP/RP").
        """
        pos_sets = [set(str(p).split("/")) for p in positions]
        out = np.zeros((len(pos_sets), self.roster_size), dtype=bool)
        for j, s in enumerate(self.slots):
            ok = self.eligibility[s]
            out[:, j] = [bool(ps & ok) for ps in pos_sets]
        return out


NASCAR_CLASSIC = RosterRules(slots=("D",) * 6, eligibility={"D": frozenset({"D"})}, salary_cap=50_000, name="nascar")

MLB_CLASSIC = RosterRules(
    slots=("P", "P", "C", "1B", "2B", "3B", "SS", "OF", "OF", "OF"),
    eligibility={
        "P": frozenset({"P", "SP", "RP"}),
        "C": frozenset({"C"}),
        "1B": frozenset({"1B"}),
        "2B": frozenset({"2B"}),
        "3B": frozenset({"3B"}),
        "SS": frozenset({"SS"}),
        "OF": frozenset({"OF", "LF", "CF", "RF"}),
    },
    salary_cap=50_000,
    name="mlb",
)

NFL_CLASSIC = RosterRules(
    slots=("QB", "RB", "RB", "WR", "WR", "WR", "TE", "FLEX", "DST"),
    eligibility={
        "QB": frozenset({"QB"}),
        "RB": frozenset({"RB"}),
        "WR": frozenset({"WR"}),
        "TE": frozenset({"TE"}),
        "FLEX": frozenset({"RB", "WR", "TE"}),
        "DST": frozenset({"DST", "D"}),
    },
    salary_cap=50_000,
    name="nfl",
)

RULES_BY_NAME = {"nascar": NASCAR_CLASSIC, "mlb": MLB_CLASSIC, "nfl": NFL_CLASSIC}


def get_rules(rules: "RosterRules | str | None") -> RosterRules:
    """Return a :class:`RosterRules` from an instance or a name; None means NASCAR."""
    if rules is None:
        return NASCAR_CLASSIC
    if isinstance(rules, RosterRules):
        return rules
    key = str(rules).lower()
    if key not in RULES_BY_NAME:
        raise InputError(f"unknown roster rules {rules!r}; expected one of {sorted(RULES_BY_NAME)} or a RosterRules")
    return RULES_BY_NAME[key]
