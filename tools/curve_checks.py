"""Read a generated run back from its files and check that its curves show the intended verdict.

A label is only as good as the evidence behind it: a recipe (say, "learning rate too low")
does not guarantee the curve (the loss may still flatten). So after every run the generators
read the *written* logs back, independently of curvelint (its classifier is what the labels
measure), compute a few plain statistics and test the verdict's definition on them. The
thresholds are deliberately stricter than the classifier's contract, so that every labelled
run is a clear case of its verdict and not a borderline one.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

TRAIN_LOSS, EVAL_LOSS, TRAIN_ACC, EVAL_ACC, GRAD_NORM, LR = (
    "train_loss",
    "eval_loss",
    "train_acc",
    "eval_acc",
    "grad_norm",
    "lr",
)
EVAL_WORDS = ("val", "eval", "validation")
Series = tuple[np.ndarray, np.ndarray]


@dataclass
class Curves:
    """The series of one run by role (``train_loss``, ``eval_loss``…), each sorted by step."""

    series: dict[str, Series] = field(default_factory=dict)

    def values(self, role: str) -> np.ndarray:
        """The logged values of ``role`` (empty when the run did not log it)."""
        return self.series.get(role, (np.array([]), np.array([])))[1]

    def steps(self, role: str) -> np.ndarray:
        """The steps of ``role`` (empty when the run did not log it)."""
        return self.series.get(role, (np.array([]), np.array([])))[0]


def role_of(tag: str, folder: str = "") -> str | None:
    """Map a logged name (and the folder it was found in) to a role, or None to ignore it."""
    name = tag.lower()
    if "vs_iterations" in name:  # Keras' per-iteration duplicate of the epoch eval curve
        return None
    if "grad_norm" in name:
        return GRAD_NORM
    if name in ("lr", "learningrate") or "learning_rate" in name:
        return LR
    words = {w for w in name.replace("/", "_").split("_") if w}
    is_eval = bool(words & set(EVAL_WORDS)) or folder.lower() in EVAL_WORDS
    if "loss" in name:
        return EVAL_LOSS if is_eval else TRAIN_LOSS
    if "acc" in name:
        return EVAL_ACC if is_eval else TRAIN_ACC
    return None


def _collect(points: dict[str, list[tuple[float, float]]]) -> Curves:
    curves = Curves()
    for role, pairs in points.items():
        pairs.sort(key=lambda pair: pair[0])
        steps, values = zip(*pairs, strict=True)
        curves.series[role] = (np.asarray(steps, float), np.asarray(values, float))
    return curves


def _scalar_value(value) -> float | None:
    """A scalar summary's number: TF1 ``simple_value`` or a TF2 scalar tensor."""
    from tensorboard.util import tensor_util

    kind = value.WhichOneof("value")
    if kind == "simple_value":
        return float(value.simple_value)
    if kind == "tensor" and value.metadata.plugin_data.plugin_name == "scalars":
        return float(tensor_util.make_ndarray(value.tensor).item())
    return None


def read_event_curves(run_dir: Path) -> Curves:
    """Every scalar in the run's event files (any depth; the folder hints the split)."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    points: dict[str, list[tuple[float, float]]] = {}
    for path in sorted(run_dir.rglob("events.out.tfevents.*")):
        folder = path.parent.name
        for event in EventFileLoader(str(path)).Load():
            for value in event.summary.value:
                role, number = role_of(value.tag, folder), _scalar_value(value)
                if role and number is not None:
                    points.setdefault(role, []).append((event.step, number))
    return _collect(points)


def read_trainer_curves(run_dir: Path) -> Curves:
    """The root ``trainer_state.json``'s ``log_history`` (bare NaN tokens are kept)."""
    state = json.loads((run_dir / "trainer_state.json").read_text())
    points: dict[str, list[tuple[float, float]]] = {}
    for entry in state["log_history"]:
        if "train_runtime" in entry:  # the closing summary (its train_loss is a run average)
            continue
        for key, value in entry.items():
            role = role_of(key) if key not in ("step", "epoch") else None
            if role and isinstance(value, int | float) and "runtime" not in key:
                points.setdefault(role, []).append((entry["step"], float(value)))
    return _collect(points)


def read_csv_curves(run_dir: Path) -> Curves:
    """The CSVLogger file: step is the epoch."""
    points: dict[str, list[tuple[float, float]]] = {}
    with (run_dir / "training.log").open() as handle:
        for row in csv.DictReader(handle):
            for key, value in row.items():
                role = role_of(key) if key != "epoch" else None
                if role and value not in ("", "NA"):
                    points.setdefault(role, []).append((float(row["epoch"]), float(value)))
    return _collect(points)


def read_curves(run_dir: Path, fmt: str) -> Curves:
    """Read a run written in ``fmt`` (the formats of :mod:`tiny_training`)."""
    if fmt == "trainer_state":
        return read_trainer_curves(run_dir)
    if fmt == "keras_csv":
        return read_csv_curves(run_dir)
    return read_event_curves(run_dir)


# ---------------------------------------------------------------- statistics


def smooth(values: np.ndarray) -> np.ndarray:
    """A centred running median over ~1/10 of the curve: the trend without the noise."""
    half = max(1, len(values) // 20)
    return np.array(
        [np.median(values[max(0, i - half) : i + half + 1]) for i in range(len(values))]
    )


def tail(values: np.ndarray, share: float) -> np.ndarray:
    """The last ``share`` of a series (at least 2 points)."""
    return values[-max(2, round(len(values) * share)) :]


@dataclass(frozen=True)
class Shape:
    """Plain numbers describing one loss curve."""

    first: float
    end: float  # median of the last 10 %
    low: float  # minimum of the trend
    late_drop: float  # trend at 80 % minus the end: what the last 20 % still gained
    noise: float  # median absolute deviation from the trend

    @classmethod
    def of(cls, values: np.ndarray) -> Shape:
        """Describe a finite series of at least 2 points."""
        trend = smooth(values)
        return cls(
            first=float(values[0]),
            end=float(np.median(tail(values, 0.1))),
            low=float(trend.min()),
            late_drop=float(trend[int(0.8 * (len(values) - 1))] - trend[-1]),
            noise=float(np.median(np.abs(values - trend))),
        )


@dataclass(frozen=True)
class Context:
    """What the data says about a run: a guess's loss and a stuck classifier's accuracy."""

    task: str
    n_classes: int
    majority_rate: float

    @property
    def guess_loss(self) -> float:
        """Loss of predicting the uniform distribution (ln C), NaN for a regression."""
        return math.log(self.n_classes) if self.task != "regression" else float("nan")


# ---------------------------------------------------------------- verdict definitions


def still_falling(shape: Shape) -> bool:
    """The last 20 % gained clearly: beyond 3× the noise, ≥ 10 % of the whole fall so far
    and ≥ 0.5 % of the current level."""
    needed = max(3 * shape.noise, 0.1 * (shape.first - shape.end), 0.005 * shape.end)
    return shape.late_drop >= needed


def flattened(shape: Shape) -> bool:
    """The last 20 % gained less than the noise or 5 % of the whole fall (whichever is more)."""
    return shape.late_drop < max(shape.noise, 0.05 * (shape.first - shape.end))


def _finite(curves: Curves) -> bool:
    roles = (TRAIN_LOSS, EVAL_LOSS, GRAD_NORM)
    return all(np.isfinite(curves.values(role)).all() for role in roles)


def check_insufficient_data(curves: Curves, _context: Context) -> list[str]:
    """At most 3 train and 3 eval points (a 2-epoch Keras run has 2 of each), all finite."""
    problems = []
    if len(curves.values(TRAIN_LOSS)) > 3 or len(curves.values(EVAL_LOSS)) > 3:
        problems.append("too many points")
    if not _finite(curves):
        problems.append("non-finite values")
    return problems


def check_diverged(curves: Curves, _context: Context) -> list[str]:
    """A non-finite loss or grad norm, or a loss ending ≥ 10× above its start."""
    if not _finite(curves):
        return []
    train = curves.values(TRAIN_LOSS)
    if train[-1] >= 10 * train[0] or np.max(train) >= 100 * train[0]:
        return []
    return [f"finite and no blow-up: first {train[0]:.3g}, last {train[-1]:.3g}"]


def _needs_curves(curves: Curves) -> list[str]:
    """Every verdict but ``diverged``/``insufficient_data`` needs finite, long-enough curves."""
    problems = [] if _finite(curves) else ["non-finite values"]
    if len(curves.values(TRAIN_LOSS)) < 10:
        problems.append("fewer than 10 train points")
    if len(curves.values(EVAL_LOSS)) < 5:
        problems.append("fewer than 5 eval points")
    return problems


def _stays_at(shape: Shape, level: float) -> bool:
    return abs(shape.end - level) <= 0.05 * level and shape.low >= 0.9 * level


def check_stuck(curves: Curves, context: Context) -> list[str]:
    """The loss never leaves its initial level or the level of a guess (ln C), and the eval
    accuracy stays at the majority class's rate."""
    problems = _needs_curves(curves)
    if problems:
        return problems
    train = Shape.of(curves.values(TRAIN_LOSS))
    levels = [train.first] + ([context.guess_loss] if context.task != "regression" else [])
    if not any(_stays_at(train, level) for level in levels):
        shown = ", ".join(f"{level:.3g}" for level in levels)
        problems.append(f"loss left its level(s) {shown}: end {train.end:.3g}, low {train.low:.3g}")
    accuracy = curves.values(EVAL_ACC)
    if len(accuracy) and accuracy[-1] > context.majority_rate + 0.06:
        problems.append(f"eval accuracy {accuracy[-1]:.2f} > majority {context.majority_rate:.2f}")
    return problems


def rank_correlation(values: np.ndarray) -> float:
    """Spearman correlation of a series with time: -1 a steady fall, 0 no trend at all."""
    if len(values) < 3:
        return 0.0
    ranks = np.argsort(np.argsort(values))
    return float(np.corrcoef(np.arange(len(values)), ranks)[0, 1])


def jitter(values: np.ndarray) -> float:
    """Median second difference relative to the level: how erratic a curve is.

    A steady fall, even a fast exponential one, has small second differences; a curve that
    jumps up and down between points has second differences as large as its jumps.
    """
    if len(values) < 4:
        return 0.0
    level = max(float(np.median(np.abs(values))), 1e-12)
    return float(np.median(np.abs(np.diff(values, 2))) / (2 * level))


def later(values: np.ndarray) -> np.ndarray:
    """The curve after its first 20 % (where the initial fall usually is)."""
    return values[len(values) // 5 :]


def check_unstable(curves: Curves, _context: Context) -> list[str]:
    """Finite, erratic (eval jitter ≥ 0.14, train jitter ≥ 0.07), no lasting trend after the
    first 20 %, and not a blow-up (that is ``diverged``)."""
    problems = _needs_curves(curves)
    if problems:
        return problems
    train = curves.values(TRAIN_LOSS)
    if np.median(tail(train, 0.2)) > 2 * train[0]:
        problems.append("train loss ends far above its start: a blow-up, not instability")
    for role, least in ((TRAIN_LOSS, 0.07), (EVAL_LOSS, 0.14)):
        values = later(curves.values(role))
        if jitter(values) < least:
            problems.append(f"{role} jitter {jitter(values):.2f} < {least}")
        if abs(rank_correlation(values)) > 0.5:
            problems.append(
                f"{role} has a lasting trend (rank corr {rank_correlation(values):.2f})"
            )
    return problems


def check_overfitting(curves: Curves, _context: Context) -> list[str]:
    """Eval loss bottoms out well before the end and rises >10 % while train keeps falling."""
    problems = _needs_curves(curves)
    if problems:
        return problems
    evals, eval_steps = curves.values(EVAL_LOSS), curves.steps(EVAL_LOSS)
    trend = smooth(evals)
    best = int(np.argmin(trend))
    if best > 0.7 * (len(evals) - 1):
        problems.append(f"eval minimum at {best / (len(evals) - 1):.0%} of the run")
    if np.median(tail(evals, 0.1)) < 1.1 * trend[best]:
        problems.append(f"final eval {evals[-1]:.3g} not >10% above min {trend[best]:.3g}")
    if rank_correlation(evals[best:]) < 0.6:
        problems.append(
            f"eval rise is not a steady trend (rank corr {rank_correlation(evals[best:]):.2f})"
        )
    train, train_steps = curves.values(TRAIN_LOSS), curves.steps(TRAIN_LOSS)
    at_best = float(np.interp(eval_steps[best], train_steps, smooth(train)))
    if np.median(tail(train, 0.1)) > 0.9 * at_best:
        problems.append(f"train did not keep falling after the eval minimum ({at_best:.3g})")
    after = smooth(train)[train_steps >= eval_steps[best]]
    if rank_correlation(after) > -0.5:
        problems.append(
            f"train fall after the eval minimum is no trend ({rank_correlation(after):.2f})"
        )
    return problems


def _smooth_eval(curves: Curves, most: float = 0.1) -> list[str]:
    """A settled curve's eval loss moves little between evaluations (else: ``unstable``)."""
    values = later(curves.values(EVAL_LOSS))
    if jitter(values) > most:
        return [f"eval loss erratic (jitter {jitter(values):.2f} > {most})"]
    return []


def _train_eval_gap(curves: Curves) -> float:
    return abs(
        np.median(tail(curves.values(EVAL_LOSS), 0.1)) - Shape.of(curves.values(TRAIN_LOSS)).end
    )


def check_underfitting(curves: Curves, context: Context) -> list[str]:
    """Both curves fell a little, then flattened high, close to each other."""
    problems = _needs_curves(curves)
    if problems:
        return problems
    train, evals = Shape.of(curves.values(TRAIN_LOSS)), Shape.of(curves.values(EVAL_LOSS))
    if train.end > 0.95 * train.first:
        problems.append(f"train barely fell ({train.first:.3g} → {train.end:.3g}): stuck")
    floor = 0.45 * (context.guess_loss if context.task != "regression" else train.first)
    if train.end < floor:
        problems.append(f"train end {train.end:.3g} is low (< {floor:.3g})")
    for name, shape in (("train", train), ("eval", evals)):
        if not flattened(shape):
            problems.append(f"{name} has not flattened (last 20% gained {shape.late_drop:.3g})")
    if _train_eval_gap(curves) > 0.15 * train.end:
        problems.append(f"train/eval gap {_train_eval_gap(curves):.3g} > 15% of the level")
    return problems + _smooth_eval(curves)


def check_not_converged(curves: Curves, _context: Context) -> list[str]:
    """Train and eval both still fall clearly in the last 20 % (see :func:`still_falling`)."""
    problems = _needs_curves(curves)
    if problems:
        return problems
    for role in (TRAIN_LOSS, EVAL_LOSS):
        shape = Shape.of(curves.values(role))
        if not still_falling(shape):
            problems.append(f"{role} last 20% gained only {shape.late_drop:.3g}")
    return problems


def check_healthy(curves: Curves, _context: Context) -> list[str]:
    """Fell a lot, flattened, eval did not turn up, train and eval close."""
    problems = _needs_curves(curves)
    if problems:
        return problems
    train, evals = Shape.of(curves.values(TRAIN_LOSS)), Shape.of(curves.values(EVAL_LOSS))
    if train.end > 0.3 * train.first:
        problems.append(f"train fell only to {train.end / train.first:.0%} of its start")
    for name, shape in (("train", train), ("eval", evals)):
        if not flattened(shape):
            problems.append(f"{name} has not flattened (last 20% gained {shape.late_drop:.3g})")
    if evals.end > 1.1 * evals.low:
        problems.append(f"eval turned up: end {evals.end:.3g} vs min {evals.low:.3g}")
    if _train_eval_gap(curves) > 0.15 * train.first:
        problems.append(f"train/eval gap {_train_eval_gap(curves):.3g} > 15% of the start")
    return problems + _smooth_eval(curves)


CHECKS = {
    "diverged": check_diverged,
    "stuck": check_stuck,
    "unstable": check_unstable,
    "overfitting": check_overfitting,
    "underfitting": check_underfitting,
    "not_converged": check_not_converged,
    "healthy": check_healthy,
    "insufficient_data": check_insufficient_data,
}


def summary(curves: Curves) -> str:
    """A one-line description of the curves for the generation table."""
    parts = []
    for role in (TRAIN_LOSS, EVAL_LOSS):
        values = curves.values(role)
        if len(values):
            parts.append(f"{role} n={len(values)} {values[0]:.3g}→{values[-1]:.3g}")
    accuracy = curves.values(EVAL_ACC)
    if len(accuracy):
        parts.append(f"acc→{accuracy[-1]:.2f}")
    return ", ".join(parts)


def check_verdict(verdict: str, curves: Curves, context: Context) -> list[str]:
    """Problems that keep this run from clearly showing ``verdict`` (empty: it does).

    The definitions are meant to exclude each other, so a run that also meets another
    verdict's definition is ambiguous, and that is a problem too: labels must be clear cases.
    """
    problems = CHECKS[verdict](curves, context)
    others = [v for v, check in CHECKS.items() if v != verdict and not check(curves, context)]
    if others:
        problems.append(f"ambiguous: also meets {', '.join(others)}")
    return problems
