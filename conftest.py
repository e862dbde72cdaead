# Root conftest: the REST API is an optional extra; without fastapi its modules are not collected
# as doctests (its tests skip themselves with a reason).
import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("fastapi") else ["dfslab/api/*"]
