"""The labelled benchmark (issue 13): real runs in a development and a locked test split.

One module per job: :mod:`spec` (what a run is), :mod:`data` and :mod:`models` (what it trains),
one module per library that writes a log (:mod:`torch_loop`, :mod:`trainer_run`,
:mod:`keras_run`, :mod:`lightning_run`), :mod:`checks` (does the written curve show the label),
:mod:`families` (one module per verdict: the mechanisms that induce it), :mod:`split` (which
seeds, architectures and data sets each split gets) and :mod:`output` (labels, manifest,
README). ``python -m tools.benchmark_runs`` runs it all.
"""
