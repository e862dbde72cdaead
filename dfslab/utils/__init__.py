"""Shared utilities of every floor: argument checks (:mod:`~dfslab.utils.validation`), the data folder
(:mod:`~dfslab.utils.config`), atomic writes (:mod:`~dfslab.utils.atomic`), checked CSV reading
(:mod:`~dfslab.utils.files`), notebook display helpers (:mod:`~dfslab.utils.display`) and the compiled
quickselect (:mod:`~dfslab.utils.quickselect`).

Each is a public module; import from it directly (``from dfslab.utils.validation import check_number``).
Nothing is imported here, so ``import dfslab`` stays light (the quickselect needs numba).
"""
