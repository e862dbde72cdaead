"""REST API over the engines (optional extra: ``pip install "dfslab[api]"``; start with ``dfslab serve --port 8000``).

Endpoints: ``GET /health``, ``POST /ownership``, ``POST /contest-sim``,
``POST /optimize-with-leverage``. See docs/api.md and the OpenAPI page at ``/docs``.
"""

from ._app import clear_caches, create_app
from ._models import (
    ContestSimRequest,
    ContestSimResponse,
    DriverIn,
    LeverageOptimizeRequest,
    LeverageOptimizeResponse,
    LineupWithLeverage,
    OwnershipMetrics,
    OwnershipRequest,
    OwnershipResponse,
    PortfolioMetrics,
    RaceIn,
)

__all__ = [
    "ContestSimRequest", "ContestSimResponse", "DriverIn", "LeverageOptimizeRequest", "LeverageOptimizeResponse",
    "LineupWithLeverage", "OwnershipMetrics", "OwnershipRequest", "OwnershipResponse", "PortfolioMetrics", "RaceIn",
    "clear_caches", "create_app",
]
