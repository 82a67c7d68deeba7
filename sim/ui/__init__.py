"""The planners' web app (Solara): compare named packages of reforms with the baseline.

Split the way Mesa's examples split ``model.py`` and ``app.py``: :mod:`sim.ui.state`,
:mod:`sim.ui.drafts`, :mod:`sim.ui.library` and :mod:`sim.ui.runner` hold what the app knows and
does (no widgets); :mod:`sim.ui.app` is the page, built from the small components in
:mod:`sim.ui.components`; :mod:`sim.ui.cli` adds ``govsim ui``.  The comparison itself is
:func:`sim.compare.compare` and the figures are :mod:`sim.figures`', as on the command line.
"""
