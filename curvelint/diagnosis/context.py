"""What every rule needs to know about one run, worked out once: which curve is the training
loss, which the eval loss and eval metric, the chance level, where a step falls in epochs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from curvelint.analysis.levels import Curve
from curvelint.analysis.results import RunAnalysis, SeriesAnalysis
from curvelint.diagnosis.plan import linear_decay_ran_out
from curvelint.diagnosis.selection_metric import selection_series
from curvelint.diagnosis.settings import RuleSettings
from curvelint.names import EVAL, TEST, TRAIN, is_episode_return, is_loss
from curvelint.numbers import epoch_text, format_step
from curvelint.readers.base import steps_are_epochs

ACCURACY = "accuracy"
REWARD = "reward"
# Eval metrics tried, in order, when the user names none: the usual "main" numbers.
EVAL_METRIC_PREFERENCE = ("accuracy", "f1", "auc", "bleu", "rouge1", "mae", "wer", "cer")


@dataclass(frozen=True)
class Chance:
    """What a uniform random guess over ``classes`` classes scores: loss ``ln C``."""

    classes: int
    inferred: bool

    @property
    def loss(self) -> float:
        """Cross-entropy of the uniform guess, in nats."""
        return math.log(self.classes)


@dataclass(frozen=True)
class RunContext:
    """One run's analysis with the curves the rules judge picked out."""

    analysis: RunAnalysis
    metadata: Mapping[str, Any]
    settings: RuleSettings
    num_classes: int | None = None
    main_metric: str | None = None

    @cached_property
    def train_series(self) -> SeriesAnalysis | None:
        """The curve the run is judged by: its training objective, else — when that is absent
        or too short to show a shape while the eval loss is not (a Lightning run that logged
        only ``val_loss``, a Trainer that evaluated far more often than it logged) — the eval
        loss alone (see :attr:`judged_by_eval_alone`)."""
        own = self._training_objective
        evals = self._eval_loss
        minimum = self.settings.min_loss_points
        if evals is None or evals.n_finite < minimum:
            return own
        if own is None or (is_loss(own.metric) and own.n_finite < minimum):
            return evals
        return own

    @property
    def judged_by_eval_alone(self) -> bool:
        """The run is judged by its eval loss, standing in for a training loss it lacks."""
        return self.train_series is not None and self.train_series is self._eval_loss

    @property
    def judged_loss_words(self) -> str:
        """``the training loss``, or ``the eval loss`` when it stands in for one."""
        return "the eval loss" if self.judged_by_eval_alone else "the training loss"

    @cached_property
    def _training_objective(self) -> SeriesAnalysis | None:
        """The train loss, else a lower-is-better train metric (an MLflow MAE) — or, for a
        policy-gradient run (GRPO, PPO) whose loss sits near zero by design, its reward,
        which is what such a run is judged by."""
        episodes = self._episode_return
        if episodes is not None:
            return episodes  # an agent is judged by its return; its TD loss has no floor
        loss = self._epoch_means_for(self.analysis.main_loss(TRAIN), for_training=True)
        reward = self.analysis.series(REWARD, TRAIN)
        if loss is not None and reward is not None and _near_zero_by_design(loss):
            return reward
        if loss is not None:
            return loss
        lower = [s for s in self.analysis.series_analyses if s.split == TRAIN and s.direction < 0]
        if lower:
            return max(lower, key=lambda series: series.n_finite)
        return None

    @cached_property
    def _episode_return(self) -> SeriesAnalysis | None:
        """A reinforcement-learning agent's return per episode — a running mean of it first,
        then the one with most points (None when the run logs none, or too few points)."""
        returns = [
            s
            for s in self.analysis.series_analyses
            if s.split == TRAIN
            and is_episode_return(s.metric)
            and s.n_finite >= self.settings.min_loss_points
        ]
        # A running mean over episodes says more than one episode's return.
        return max(returns, key=lambda s: (_averaged(s.metric), s.n_finite), default=None)

    @cached_property
    def _eval_loss(self) -> SeriesAnalysis | None:
        loss = self.analysis.main_loss(EVAL) or self.analysis.main_loss(TEST)
        return self._epoch_means_for(loss, for_training=False)

    def _epoch_means_for(
        self, series: SeriesAnalysis | None, *, for_training: bool
    ) -> SeriesAnalysis | None:
        """Lightning's per-epoch mean (``val_loss_epoch``) instead of the per-batch values it
        logs beside it (``val_loss_step``): an eval loss is the whole eval set's mean, so its
        epoch means whenever they can be judged; a training loss's when its steps are too few
        to judge and the means are not (the steps are otherwise the finer record)."""
        means = self._epoch_companion(series)
        if series is None or means is None or means.n_finite < self.settings.min_eval_points:
            return series
        if for_training and not (
            series.n_finite < self.settings.unstable_min_points < means.n_finite
        ):
            return series
        return means

    def _epoch_companion(self, series: SeriesAnalysis | None) -> SeriesAnalysis | None:
        """The ``*_epoch`` series Lightning logs beside a ``*_step`` one, if any."""
        if series is None or not series.tag.endswith("_step"):
            return None
        return self.analysis.series(f"{series.metric}_epoch", series.split)

    @cached_property
    def eval_series(self) -> SeriesAnalysis | None:
        """The eval loss (a test loss when the run has no eval split), None when it stands in
        for the training loss."""
        return None if self.judged_by_eval_alone else self._eval_loss

    @cached_property
    def eval_metric_series(self) -> SeriesAnalysis | None:
        """The main eval metric: ``main_metric`` if given, else the task metric the Trainer
        selects its best checkpoint by, else the first usual one logged."""
        selected = self.selected_task_metric
        if not self.main_metric and selected is not None:
            return selected
        names = (self.main_metric,) if self.main_metric else EVAL_METRIC_PREFERENCE
        for name in names:
            series = self.analysis.series(name, EVAL) or self.analysis.series(name, TEST)
            if series is not None and series.direction != 0:
                return series
        return None

    @cached_property
    def selected_task_metric(self) -> SeriesAnalysis | None:
        """The eval metric other than a loss that the Trainer picked its best checkpoint by
        (its ``best_metric`` is that metric's value at the best step), None otherwise."""
        series = selection_series(self.analysis, self.metadata)
        if series is None or is_loss(series.metric) or series.direction == 0:
            return None
        return series

    @cached_property
    def train(self) -> Curve | None:
        """The training objective's finite points, oriented (None when nothing is finite)."""
        return _curve(self.train_series)

    @cached_property
    def train_epoch_means(self) -> Curve | None:
        """The per-epoch means Lightning logs beside a per-step training loss (``*_epoch``
        beside ``*_step``): far less noisy than the steps for telling whether it still falls."""
        return _curve(self._epoch_companion(self.train_series))

    @cached_property
    def eval(self) -> Curve | None:
        """The eval loss's finite points (None when absent or nothing is finite)."""
        return _curve(self.eval_series)

    @cached_property
    def eval_metric(self) -> Curve | None:
        """The main eval metric's finite points, oriented so lower is better."""
        return _curve(self.eval_metric_series)

    @cached_property
    def accuracy_series(self) -> tuple[SeriesAnalysis, ...]:
        """Every classification accuracy (train and eval): the run is a classifier if any.

        Only the canonical ``accuracy`` (``acc``, ``categorical_accuracy``… map to it): a
        language model's ``mean_token_accuracy`` or DPO's ``rewards/accuracies`` say nothing
        about a number of classes.
        """
        return tuple(
            s
            for s in self.analysis.series_analyses
            if s.metric == ACCURACY and s.split in (TRAIN, EVAL, TEST)
        )

    @cached_property
    def chance_accuracy(self) -> SeriesAnalysis | None:
        """The accuracy compared with a random guess's 1/C: the eval accuracy (the whole eval
        set), else the test accuracy, else the train accuracy."""
        by_split = {series.split: series for series in self.accuracy_series}
        return by_split.get(EVAL) or by_split.get(TEST) or by_split.get(TRAIN)

    @cached_property
    def chance_accuracy_levels(self) -> tuple[float, float] | None:
        """The chance accuracy's final level and its trend's best, as logged (None without
        an accuracy)."""
        series = self.chance_accuracy
        curve = series.curve if series is not None else None
        if curve is None or curve.count == 0:
            return None
        best = self.chance_accuracy_best()
        return (curve.logged(curve.final()), best) if best is not None else None

    def chance_accuracy_best(self, since_share: float = 0.0) -> float | None:
        """The chance accuracy's trend's best, as logged, from ``since_share`` of its points on
        (after a blow-up, what the model had before it died does not count)."""
        series = self.chance_accuracy
        curve = series.curve if series is not None else None
        if curve is None or curve.count == 0:
            return None
        trend = curve.trend()[int(since_share * curve.count) :]
        return curve.logged(float(np.min(trend if len(trend) else curve.trend())))

    def accuracy_never_beat(self, classes: int, since_share: float = 0.0) -> bool:
        """The accuracy ended within the margin of a random guess's 1/C and its trend never
        got past twice that margin (from ``since_share`` of the points on)."""
        levels, margin = self.chance_accuracy_levels, self.settings.chance_accuracy_margin
        best = self.chance_accuracy_best(since_share)
        return (
            levels is not None
            and best is not None
            and levels[0] <= 1 / classes + margin
            and best <= 1 / classes + 2 * margin
        )

    @cached_property
    def loss_series(self) -> tuple[SeriesAnalysis, ...]:
        """Every loss-like series, plus the training objective when it is not called a loss."""
        losses = [s for s in self.analysis.series_analyses if is_loss(s.metric)]
        if self.train_series is not None and self.train_series not in losses:
            losses.append(self.train_series)
        return tuple(losses)

    @cached_property
    def chance(self) -> Chance | None:
        """The random guess's loss: from ``num_classes``, or inferred for a classifier (it
        logs an accuracy) whose first training loss is within tolerance of ln C."""
        if self.num_classes is not None:
            return Chance(self.num_classes, inferred=False)
        if self.train is None or not self.accuracy_series or not is_loss(self.train_series_metric):
            return None
        first = float(self.train.values[0])
        if not 0.0 < first < math.log(self.settings.max_inferred_classes + 1):
            return None
        classes = round(math.exp(first))
        if not 2 <= classes <= self.settings.max_inferred_classes:
            return None
        if abs(first - math.log(classes)) > self.settings.chance_inference_tolerance * first:
            return None
        return Chance(classes, inferred=True)

    @property
    def judged_by_reward(self) -> bool:
        """The run is judged by its reward (a policy-gradient run) or its return per episode
        (an agent), not by its loss."""
        train = self.train_series
        return train is not None and (train.metric == REWARD or is_episode_return(train.metric))

    @property
    def train_series_metric(self) -> str:
        """The training objective's metric name ('' when there is none)."""
        return self.train_series.metric if self.train_series is not None else ""

    @property
    def rate_final_of_peak(self) -> float | None:
        """The logged learning rate's last value as a share of its peak (None when not logged)."""
        schedule = self.analysis.schedule
        return schedule.final_over_peak if schedule is not None else None

    @cached_property
    def schedule_over(self) -> bool:
        """The logged learning rate ended at a small share of its peak, or its straight-line
        decay reaches zero right after the last log of a run not cut short: the run is over."""
        ratio = self.rate_final_of_peak
        if ratio is not None and ratio <= self.settings.schedule_over_ratio:
            return True
        return linear_decay_ran_out(self.series("learning_rate"), self.metadata)

    @cached_property
    def schedule_far_from_over(self) -> bool:
        """The logged learning rate ended at half its peak or more (a constant rate, or a decay
        with most of its way still to go): the run was not winding down when it stopped."""
        ratio = self.rate_final_of_peak
        return ratio is not None and ratio >= self.settings.schedule_far_from_over_ratio

    def series(self, metric: str, split: str = "") -> SeriesAnalysis | None:
        """A series of the run by canonical name."""
        return self.analysis.series(metric, split)

    @cached_property
    def steps_are_epochs(self) -> bool:
        """The reader said the step of the judged curves counts epochs (Keras CSV, History;
        the TensorBoard callback's ``epoch_*`` tags, when the training objective is one)."""
        judged = self.train_series
        return steps_are_epochs(self.metadata, judged.tag if judged is not None else None)

    def epoch_at(self, step: int) -> float | None:
        """The epoch at ``step``: from a logged epoch curve, else from the Trainer's final
        epoch and global step (constant steps per epoch), else unknown."""
        epochs = self.series("epoch")
        if epochs is not None and epochs.n_finite >= 2:
            mask = np.isfinite(epochs.values)
            return float(np.interp(step, epochs.steps[mask], epochs.values[mask]))
        final_epoch, global_step = self.metadata.get("epoch"), self.metadata.get("global_step")
        if isinstance(final_epoch, int | float) and isinstance(global_step, int) and global_step:
            return step * float(final_epoch) / global_step
        return None

    def where(self, step: int) -> str:
        """``step 1,200 (epoch 2)``, or ``epoch 3`` for logs that count epochs."""
        if self.steps_are_epochs:
            return f"epoch {format_step(step)}"
        epoch = self.epoch_at(step)
        if epoch is None:
            return f"step {format_step(step)}"
        return f"step {format_step(step)} (epoch {epoch_text(epoch)})"

    def last_step(self) -> int:
        """The last step of the training objective (or of any series)."""
        if self.train_series is not None:
            return self.train_series.last_step
        return max(series.last_step for series in self.analysis.series_analyses)


POLICY_LOSS_MAGNITUDE = 0.1  # a policy-gradient loss stays within this of zero
POLICY_LOSS_NEGATIVE_SHARE = 0.1  # ...or is below zero at this share of its points or more


def _averaged(metric: str) -> int:
    """2 for a running mean of returns (``mean_reward_100``), 1 for an episode's total, 0 else."""
    if metric.startswith(("mean_", "avg_", "average_")) or metric.endswith("_mean"):
        return 2
    return 1 if metric.startswith("total_") else 0


def _near_zero_by_design(loss: SeriesAnalysis) -> bool:
    """A loss whose points nearly all stay within a small distance of zero, or often fall below
    it (no likelihood loss ever does): a policy-gradient objective (advantage-weighted, centred
    on zero), not a loss that falls to a floor."""
    curve = loss.curve
    if curve is None:
        return False
    values = curve.sign * curve.values
    if float(np.mean(values < 0)) >= POLICY_LOSS_NEGATIVE_SHARE:
        return True
    return float(np.quantile(np.abs(values), 0.95)) < POLICY_LOSS_MAGNITUDE


def _curve(series: SeriesAnalysis | None) -> Curve | None:
    return series.curve if series is not None else None
