"""Seed groups: runs whose names differ only by a seed, judged as one experiment.

Below both commands that show them (``analyze``'s index and ``compare``): :mod:`naming` finds
the groups among run names, :mod:`seeds` builds a group's mean curves, :mod:`statistics` gives
each member's best and final values and a group's mean of them, :mod:`judge` judges a group
(its mean through :func:`curvelint.judging.judge_frame`, and its members one by one), and
:mod:`gather` does all of that for the runs ``analyze`` has just judged, reading the members
through the cache; :mod:`checks` says what each check made of the mean and of each seed.
Rendering lives in :mod:`curvelint.report.seed_groups`.
"""
