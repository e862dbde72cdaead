"""``python -m dfslab ...``: the same command line as the ``dfslab`` script."""

import sys

from .app.cli import main

if __name__ == "__main__":  # not on import (pytest --doctest-modules imports every module)
    sys.exit(main())
