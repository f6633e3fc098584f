"""Does a written run show its label? Read it back (not with curvelint) and test the verdict.

The strict definitions of :mod:`tools.curve_checks` (clear cases, mutually exclusive) are used
where they fit; the benchmark adds the hard mechanisms of issue 13 that they reject on purpose:
a finite explosion already high at the first point (``diverged``), a collapse to ln C after a
blow-up (``stuck``), erratic training hidden by averaged logging (``unstable``), a converged hard
task on a high plateau or an eval below train that still drifts down (``healthy_plateau``).
Other verdicts a run also meets are reported, not rejected: variety is the point.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from tools import curve_checks as cc
from tools.benchmark_runs.spec import LIGHTNING, BenchRun


def read_lightning(run_dir: Path) -> cc.Curves:
    """``metrics.csv``: ``X_step`` is the curve when ``X_epoch`` is logged too."""
    path = next(run_dir.rglob("metrics.csv"))
    points: dict[str, list[tuple[float, float]]] = {}
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key, value in row.items():
            if key in ("step", "epoch") or not value or key.endswith("_epoch"):
                continue
            role = cc.role_of(key.removesuffix("_step"))
            if role:
                points.setdefault(role, []).append((float(row["step"]), float(value)))
    return cc._collect(points)


def read(run_dir: Path, fmt: str) -> cc.Curves:
    """The curves of a run written in ``fmt``."""
    if fmt == LIGHTNING:
        return read_lightning(run_dir)
    return cc.read_curves(run_dir, fmt)


def _guess(context: cc.Context) -> float:
    return context.guess_loss if context.task != "regression" else math.nan


def diverged(curves: cc.Curves, context: cc.Context) -> list[str]:
    """Non-finite, a ≥10x climb, or (classifier) a tail stuck at ≥ 10x ln C."""
    if not cc.check_diverged(curves, context):
        return []
    train = curves.values(cc.TRAIN_LOSS)
    guess = _guess(context)
    if math.isfinite(guess) and np.median(cc.tail(train, 0.3)) >= 10 * guess:
        return []
    return [f"no blow-up: train {train[0]:.3g} → {train[-1]:.3g}"]


def stuck(curves: cc.Curves, context: cc.Context) -> list[str]:
    """The late loss sits on its start or on ln C (noise allowed), accuracy at chance."""
    problems = cc._needs_curves(curves)
    if problems:
        return problems
    train = curves.values(cc.TRAIN_LOSS)
    late = cc.later(train)
    end, low = float(np.median(cc.tail(train, 0.2))), float(cc.smooth(late).min())
    levels = [train[0], _guess(context)]
    if not any(
        math.isfinite(level) and abs(end - level) <= 0.08 * level and low >= 0.85 * level
        for level in levels
    ):
        problems.append(f"late loss {end:.3g} (low {low:.3g}) is on neither its start nor ln C")
    accuracy = curves.values(cc.EVAL_ACC)
    if len(accuracy) and accuracy[-1] > context.majority_rate + 0.08:
        problems.append(f"eval accuracy {accuracy[-1]:.2f} above chance")
    return problems


def unstable(curves: cc.Curves, context: cc.Context) -> list[str]:
    """Finite, not a blow-up, erratic (loss jitter or grad-norm spikes), no lasting trend."""
    problems = cc._needs_curves(curves)
    if problems:
        return problems
    train, evals = curves.values(cc.TRAIN_LOSS), curves.values(cc.EVAL_LOSS)
    if np.median(cc.tail(train, 0.2)) > 2 * train[0]:
        problems.append("ends far above its start: a blow-up")
    norms = curves.values(cc.GRAD_NORM)
    spiky = len(norms) > 5 and np.max(norms) >= 10 * np.median(norms)
    erratic = cc.jitter(cc.later(train)) >= 0.07 or cc.jitter(cc.later(evals)) >= 0.1
    if not (erratic or spiky):
        problems.append(
            f"not erratic (jitter train {cc.jitter(cc.later(train)):.2f}, "
            f"eval {cc.jitter(cc.later(evals)):.2f})"
        )
    trend = cc.rank_correlation(cc.later(evals))
    if abs(trend) > 0.6:
        problems.append(f"eval has a lasting trend (rank corr {trend:.2f})")
    return problems


def healthy_plateau(curves: cc.Curves, context: cc.Context) -> list[str]:
    """Fell, ended near its best eval, not erratic: a high plateau or a small drift allowed."""
    problems = cc._needs_curves(curves)
    if problems:
        return problems
    train = cc.Shape.of(curves.values(cc.TRAIN_LOSS))
    evals = cc.Shape.of(curves.values(cc.EVAL_LOSS))
    if train.end > 0.8 * train.first:
        problems.append(f"train fell only to {train.end / train.first:.0%} of its start")
    if evals.end > 1.05 * evals.low:
        problems.append(f"eval turned up: end {evals.end:.3g} vs min {evals.low:.3g}")
    if evals.late_drop > 0.08 * evals.end:
        problems.append(f"eval still falling fast (last 20 % gained {evals.late_drop:.3g})")
    if train.late_drop > max(0.15 * train.end, 3 * train.noise):
        problems.append(f"train still falling fast (last 20 % gained {train.late_drop:.3g})")
    return problems + cc._smooth_eval(curves, 0.12)


def erratic(curves: cc.Curves, context: cc.Context) -> list[str]:
    """A second condition ``unstable``: erratic losses or grad-norm spikes, whatever the trend."""
    train, evals = curves.values(cc.TRAIN_LOSS), curves.values(cc.EVAL_LOSS)
    norms = curves.values(cc.GRAD_NORM)
    spiky = len(norms) > 5 and np.max(norms) >= 10 * np.median(norms)
    if cc.jitter(cc.later(train)) >= 0.07 or cc.jitter(cc.later(evals)) >= 0.1 or spiky:
        return []
    return ["not erratic"]


# A secondary label is confirmed by its symptom alone (the primary already explains the rest).
SECONDARY_CHECKS = {"unstable": erratic}

CHECKS = {
    **cc.CHECKS,
    "diverged": diverged,
    "stuck": stuck,
    "unstable": unstable,
    "healthy_plateau": healthy_plateau,
}


def verify(run: BenchRun, curves: cc.Curves, context: cc.Context) -> tuple[list[str], str, str]:
    """(problems with the label, the secondary label that holds, the other verdicts met)."""
    problems = CHECKS[run.check or run.verdict](curves, context)
    secondary = ""
    secondary_check = SECONDARY_CHECKS.get(run.secondary, CHECKS.get(run.secondary))
    if secondary_check and not secondary_check(curves, context):
        secondary = run.secondary
    also = [
        verdict
        for verdict, check in cc.CHECKS.items()
        if verdict not in (run.verdict, secondary) and not check(curves, context)
    ]
    return problems, secondary, ", ".join(also)
