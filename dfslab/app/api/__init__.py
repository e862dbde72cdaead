"""REST API over the engines (optional extra: ``pip install "dfslab[api]"``; start with ``dfslab serve --port 8000``).

Endpoints: ``GET /health``, ``POST /ownership``, ``POST /contest-sim``,
``POST /optimize-with-leverage``. Each POST takes dfslab's contract or the seed plan's
(``driver_data``, ``my_lineup_scores``, ``constraint_spec``, ...). See docs/api.md and the
OpenAPI page at ``/docs``.

``app`` is a module-level application built by :func:`create_app` on first access, so
``uvicorn dfslab.app.api:app`` and ``TestClient(app)`` work while ``import dfslab`` never imports
fastapi.
"""

from ._app import clear_caches, create_app
from ._models import (
    MAX_DRIVERS,
    MAX_LINEUPS,
    ContestSimRequest,
    ContestSimResponse,
    DriverIn,
    DriverRuleIn,
    LeverageOptimizeRequest,
    LeverageOptimizeResponse,
    LineupWithLeverage,
    OwnershipMetrics,
    OwnershipRequest,
    OwnershipResponse,
    PortfolioMetrics,
    RaceIn,
)
from ._seed import (
    ConstraintSpec,
    SeedContestSimRequest,
    SeedDriverIn,
    SeedLeverageOptimizeRequest,
    SeedOwnershipRequest,
    SeedRaceIn,
)

__all__ = [
    "MAX_DRIVERS", "MAX_LINEUPS", "ConstraintSpec", "ContestSimRequest", "ContestSimResponse", "DriverIn", "DriverRuleIn",
    "LeverageOptimizeRequest",
    "LeverageOptimizeResponse", "LineupWithLeverage", "OwnershipMetrics", "OwnershipRequest", "OwnershipResponse",
    "PortfolioMetrics", "RaceIn", "SeedContestSimRequest", "SeedDriverIn", "SeedLeverageOptimizeRequest",
    "SeedOwnershipRequest", "SeedRaceIn", "app", "clear_caches", "create_app",
]


def __getattr__(name):
    # PEP 562: build the module-level app on first use (uvicorn's "dfslab.app.api:app" does getattr).
    if name == "app":
        global app
        app = create_app()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
