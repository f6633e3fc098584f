"""Comparing runs: ``curvelint compare BASE HEAD`` and seed groups.

Pipeline: :mod:`sides` reads and judges each side and gathers seed groups (:mod:`judge`,
:mod:`seeds`); :mod:`pairs` matches units and compares their curves with the noise rule of
:mod:`stats`; :mod:`build` assembles the :class:`~curvelint.compare.model.Comparison` that
:mod:`markdown`, :mod:`json_output` and :mod:`draw` render and :mod:`write` writes.
:mod:`analyze_groups` adds the seed groups to ``analyze``'s index and summary.
"""
