"""The app floor: what a player runs -- the ``dfslab`` command line (:mod:`dfslab.app.cli`), the slate report
(its notebook ``slate_report.ipynb`` and HTML template ship as package data; helpers in :mod:`dfslab.app.report`)
and the optional REST API (:mod:`dfslab.app.api`).

Nothing is imported here: ``dfslab report`` starts without loading the API's dependencies.
"""
