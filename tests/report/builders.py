"""Hand-built analyses and diagnoses with known numbers, so report tests do not depend on the
analysis or the rules (whose tuning changes): every value a report shows is set here."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from curvelint.analysis.levels import Curve
from curvelint.analysis.results import ChangePoint, NonFiniteEvent, RunAnalysis, SeriesAnalysis
from curvelint.diagnosis.findings import Diagnosis, Finding, Severity, Verdict
from curvelint.names import direction
from curvelint.runs import Run
from curvelint.schema import build_frame, concat


def series(
    metric: str,
    split: str,
    steps: Sequence[int] | npt.NDArray[np.int64],
    values: Sequence[float] | npt.NDArray[np.float64],
    *,
    tag: str | None = None,
    changepoint_steps: Sequence[int] = (),
    smoothed: Sequence[float] | None = None,
    run: str = "run",
) -> SeriesAnalysis:
    """A SeriesAnalysis whose summary fields follow from ``values`` by their definitions."""
    step_array = np.asarray(steps, dtype=np.int64)
    value_array = np.asarray(values, dtype=np.float64)
    finite = np.isfinite(value_array)
    sense = direction(metric)
    best_index = None
    if finite.any() and sense != 0:
        candidates = np.where(finite, value_array * -sense, np.inf)
        best_index = int(np.argmin(candidates))
    last_finite = int(np.flatnonzero(finite)[-1]) if finite.any() else None
    first_bad = int(np.flatnonzero(~finite)[0]) if (~finite).any() else None
    nonfinite = None
    if first_bad is not None:
        bad = value_array[first_bad]
        nonfinite = NonFiniteEvent(
            step=int(step_array[first_bad]),
            index=first_bad,
            kind="nan" if np.isnan(bad) else ("inf" if bad > 0 else "-inf"),
            value_before=None,
            step_before=None,
            count=int((~finite).sum()),
            finite_after=bool(finite[first_bad:].any()),
        )
    changepoints = tuple(
        ChangePoint(int(s), int(np.searchsorted(step_array, s)), 0.1, 5.0, False, None)
        for s in changepoint_steps
    )
    return SeriesAnalysis(
        run=run,
        metric=metric,
        split=split,
        tag=tag or (f"{split}/{metric}" if split else metric),
        ignored_tags=(),
        direction=sense,
        n_points=len(value_array),
        n_finite=int(finite.sum()),
        first_step=int(step_array[0]),
        last_step=int(step_array[-1]),
        first_value=float(value_array[finite][0]) if finite.any() else None,
        last_value=float(value_array[last_finite]) if last_finite is not None else None,
        last_finite_step=int(step_array[last_finite]) if last_finite is not None else None,
        best_value=float(value_array[best_index]) if best_index is not None else None,
        best_step=int(step_array[best_index]) if best_index is not None else None,
        steps=step_array,
        values=value_array,
        smoothed=np.asarray(smoothed if smoothed is not None else value_array, dtype=np.float64),
        noise=None,
        curve=Curve.of(f"{metric}/{split}" if split else metric, step_array, value_array, sense),
        trend=None,
        changepoints=changepoints,
        segments=(),
        nonfinite=nonfinite,
        spikes=(),
    )


def analysis(name: str, *series_list: SeriesAnalysis) -> RunAnalysis:
    """A RunAnalysis holding ``series_list`` ordered as the analysis orders them."""
    ordered = tuple(sorted(series_list, key=lambda s: (s.metric, s.split)))
    return RunAnalysis(run=name, series_analyses=ordered, schedule=None)


def run_of(
    name: str,
    analysis_result: RunAnalysis,
    *,
    epochs_per_step: float | None = None,
    seconds_per_step: float | None = None,
    skipped: Sequence[object] = (),
    notes: Sequence[str] = (),
    format_name: str = "tensorboard",
) -> Run:
    """The Run whose frame holds exactly the analysed points (plus epochs and wall times)."""
    frames = []
    for item in analysis_result.series_analyses:
        steps = item.steps.astype(np.float64)
        frames.append(
            build_frame(
                tag=[item.tag] * len(item.steps),
                step=item.steps,
                value=item.values,
                source="events.out.tfevents.1",
                epoch=steps * epochs_per_step if epochs_per_step else None,
                wall_time=1_700_000_000 + steps * seconds_per_step if seconds_per_step else None,
                run=name,
            )
        )
    return Run(
        name=name,
        format=format_name,
        frame=concat(frames),
        skipped=list(skipped),  # type: ignore[arg-type]
        notes=list(notes),
        files=("events.out.tfevents.1",),
    )


def overfitting_diagnosis(name: str, onset_step: int) -> Diagnosis:
    """An overfitting verdict with a warning and an info finding (given in the wrong order)."""
    info = Finding(
        code="lr_never_decayed",
        severity=Severity.INFO,
        confidence=0.6,
        message="The learning rate stayed at 0.001 for the whole run.",
        recommendation="Try a cosine or step decay.",
        evidence={"learning_rate": 0.001},
        series="learning_rate",
    )
    overfit = Finding(
        code="overfitting",
        severity=Severity.WARNING,
        confidence=0.9,
        message=f"Eval loss was best at step {onset_step:,} and rose 40% by the end.",
        recommendation=f"Stop at step {onset_step:,} (early stopping) or add regularisation.",
        evidence={"onset_step": onset_step, "best_eval_loss": 0.5, "rise_relative": 0.4},
        series="loss/eval",
    )
    return Diagnosis(
        run=name,
        verdict=Verdict.OVERFITTING,
        reason=f"Eval loss turned up at step {onset_step:,} while train loss kept falling.",
        findings=(overfit, info),  # as the diagnosis orders them: the verdict's own first
    )


def healthy_diagnosis(name: str) -> Diagnosis:
    """A healthy verdict without findings."""
    return Diagnosis(run=name, verdict=Verdict.HEALTHY, reason="Both losses fell and flattened.")


def overfitting_run(name: str = "overfit") -> tuple[Run, RunAnalysis, Diagnosis]:
    """200 train points falling, 10 eval points turning up after step 800, LR and accuracy."""
    steps = np.arange(0, 2000, 10)
    train = 2.0 * (steps + 10.0) ** -0.3
    eval_steps = np.arange(200, 2001, 200)
    eval_loss = np.array([1.0, 0.8, 0.65, 0.55, 0.5, 0.52, 0.56, 0.6, 0.65, 0.7])
    result = analysis(
        name,
        series("loss", "train", steps, train, tag="loss", changepoint_steps=(500, 1200), run=name),
        series("loss", "eval", eval_steps, eval_loss, tag="eval_loss", run=name),
        series("accuracy", "eval", eval_steps, np.linspace(0.5, 0.8, 10), tag="eval_acc", run=name),
        series("learning_rate", "", steps, np.full(len(steps), 1e-3), tag="lr", run=name),
        series("runtime", "eval", eval_steps, np.full(10, 12.5), tag="eval_runtime", run=name),
    )
    run = run_of(name, result, epochs_per_step=1 / 200, seconds_per_step=0.5)
    return run, result, overfitting_diagnosis(name, 1000)


def diverged_run(name: str = "diverged") -> tuple[Run, RunAnalysis, Diagnosis]:
    """A loss that falls, then turns NaN for its last 5 points."""
    steps = np.arange(0, 50)
    loss = np.linspace(2.0, 1.0, 50)
    loss[45:] = np.nan
    result = analysis(name, series("loss", "train", steps, loss, tag="loss", run=name))
    finding = Finding(
        code="diverged",
        severity=Severity.ERROR,
        confidence=1.0,
        message="The loss became NaN at step 45.",
        recommendation="Lower the learning rate or clip gradients.",
        evidence={"first_non_finite_step": 45, "value_before": float("nan")},
        series="loss/train",
    )
    diagnosis = Diagnosis(name, Verdict.DIVERGED, "The loss became NaN at step 45.", (finding,))
    return run_of(name, result), result, diagnosis
