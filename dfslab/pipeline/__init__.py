"""The pipeline floor: :class:`SlateAnalysis` composes the engines for one slate.

slate -> race scenarios -> ownership -> optimizer -> field -> contest simulation, each step computed
on first use, cached, and declaring its inputs where it is defined (``with_params`` reuses exactly the
steps whose inputs did not change). Tables (``drivers``, ``lineups``, ``summary``) and the lineup files
are built beside it: :func:`driver_table`, :func:`lineup_table`, :func:`summary_table`,
:func:`write_lineup_files`. :class:`ContestReview` reviews a real contest after lock from DK's standings file
(the post-lock simulation against the actual field, and the after-race review).
"""

from ._analysis import DEFAULT_MIN_SALARY, SELECTIONS, SlateAnalysis, clear_caches
from ._entries import contest_plan, deal_lineups, not_gpp
from ._files import ENTRIES_FILE, write_lineup_files
from ._review import ContestReview, demo_contest, review_contest
from ._step import step
from ._tables import BOOM_MULTIPLE, DEAD_CASH_PCT, GLOSSARY, driver_table, lineup_table, summary_table

__all__ = ["BOOM_MULTIPLE", "ContestReview", "DEAD_CASH_PCT", "DEFAULT_MIN_SALARY", "ENTRIES_FILE", "GLOSSARY",
           "SELECTIONS", "SlateAnalysis", "clear_caches", "contest_plan", "deal_lineups", "demo_contest",
           "driver_table", "lineup_table", "not_gpp", "review_contest", "step",
           "summary_table", "write_lineup_files"]
