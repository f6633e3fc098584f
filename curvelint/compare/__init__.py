"""Comparing runs: ``curvelint compare BASE HEAD``. Imported only by the CLI.

Pipeline: :mod:`sides` reads and judges each side and gathers seed groups
(:mod:`curvelint.seed_groups`); :mod:`pairs` matches units and compares their curves with the
noise rule of :mod:`stats`; :mod:`build` assembles the
:class:`~curvelint.compare.model.Comparison` that :mod:`markdown`, :mod:`json_output` and
:mod:`plot_data` (drawn by :mod:`curvelint.report.overlays`) render and :mod:`write` writes.
"""
