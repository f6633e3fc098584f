"""Diagnose synthetic curves end to end: schema frame → analysis → diagnosis.

The curves come from :mod:`tests.synthetic`; these helpers only add the few shapes the rules
need that the generator does not have (a flat loss, a straight-line fall) and one call that
runs the real pipeline, so a rule test exercises exactly what a user's run goes through.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from curvelint.analysis import analyze_frame
from curvelint.diagnosis import Diagnosis, Finding, RuleSettings, diagnose_run
from curvelint.judging import judge_run
from curvelint.runs import read_runs
from tests.readers.writers import require, run_writer
from tests.synthetic import Curve, logged_steps, series_frame


def diagnose_curves(
    curves: Mapping[str, Curve],
    metadata: Mapping[str, Any] | None = None,
    *,
    settings: RuleSettings | None = None,
    num_classes: int | None = None,
) -> Diagnosis:
    """The diagnosis of one run made of ``{tag: (steps, values)}``."""
    frame = series_frame(dict(curves), run="run")
    analysis = analyze_frame(frame)["run"]
    return diagnose_run(analysis, metadata, settings=settings, num_classes=num_classes)


def flat(
    points: int, level: float, *, noise: float = 0.0, every: int = 1, start: int = 0, seed: int = 0
) -> Curve:
    """A loss that never moves from ``level`` (plus seeded Gaussian noise)."""
    steps = logged_steps(points, every, start)
    values = level + np.random.default_rng(seed).normal(0.0, noise, points) if noise else None
    return steps, values if values is not None else np.full(points, level)


def straight(
    points: int, first: float, last: float, *, noise: float = 0.0, every: int = 1, seed: int = 0
) -> Curve:
    """A loss falling in a straight line from ``first`` to ``last`` (still falling at the end)."""
    steps = logged_steps(points, every)
    values = np.linspace(first, last, points)
    if noise:
        values = values + np.random.default_rng(seed).normal(0.0, noise, points)
    return steps, values


def decay(
    points: int,
    first: float,
    floor: float,
    *,
    rate: float = 8.0,
    noise: float = 0.0,
    every: int = 1,
    start: int = 0,
    seed: int = 0,
) -> Curve:
    """``floor + (first - floor) e^{-rate t}``, t from 0 to 1 over the run: falls, flattens."""
    steps = logged_steps(points, every, start)
    share = (steps - steps[0]) / max(1, steps[-1] - steps[0])
    values = floor + (first - floor) * np.exp(-rate * share)
    if noise:
        values = values + np.random.default_rng(seed).normal(0.0, noise, points)
    return steps, values


def subsample(curve: Curve, every: int) -> Curve:
    """Every ``every``-th point of a curve (an eval curve logged less often than training)."""
    steps, values = curve
    return steps[::every].copy(), values[::every].copy()


def codes(diagnosis: Diagnosis) -> set[str]:
    """The codes of every finding."""
    return {finding.code for finding in diagnosis.findings}


def finding(diagnosis: Diagnosis, code: str) -> Finding:
    """The finding with ``code`` (fails the test if absent)."""
    matches = [f for f in diagnosis.findings if f.code == code]
    assert matches, f"no {code} finding in {[f.code for f in diagnosis.findings]}"
    return matches[0]


def policy_gradient_run(gain: float, seed: int = 0) -> dict[str, Curve]:
    """A GRPO run: the loss sits on zero by design, the per-batch reward (noise 0.04) starts
    near 0.1 and rises by ``gain``."""
    rng = np.random.default_rng(seed)
    steps = np.arange(1, 301)
    reward = 0.1 + gain * (1 - np.exp(-4 * steps / 300)) + rng.normal(0.0, 0.04, 300)
    return {"train/loss": (steps, rng.normal(0.0, 0.001, 300)), "train/reward": (steps, reward)}


def judge_torch_script(script: str, root: Path) -> Diagnosis:
    """The diagnosis of the one run a real torch ``script`` writes into ``root`` (skipped when
    torch is not installed)."""
    require("torch")
    run_writer(script, root)
    (run,) = read_runs([root]).runs
    return judge_run(run).diagnosis
