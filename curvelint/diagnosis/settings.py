"""Every threshold of the diagnosis rules, in one place, so a config file can override any of them.

The thresholds are scale-free: shares of the run's own starting level, of its total fall, of
its noise, or counts of points and evaluations. None is an absolute loss or accuracy value,
so the same defaults judge a cross-entropy of 2.3, a CTC loss of 10,000 and an MAE of 0.03.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from curvelint.errors import ConfigError


@dataclass(frozen=True, slots=True)
class RuleSettings:
    """Thresholds used by :func:`curvelint.diagnosis.diagnose_run` (names say their unit)."""

    # Enough data to judge: fewer finite points on the main loss is insufficient_data.
    min_loss_points: int = 4
    # Fewer eval points cannot show a turn: overfitting is not judged (eval_too_sparse).
    min_eval_points: int = 3

    # diverged: the loss ends this share above its start, beyond this many noise units (of
    # the difference), or climbs steadily (a lasting rise of the second half, see unstable)
    # this share of its start above its low; or its last value is this many times its start
    # (an explosion cut short).
    blow_up_rise_of_start: float = 0.5
    blow_up_noise_units: float = 3.0
    explosion_factor: float = 10.0
    # ...or a classifier's loss whose final level is this many times a random guess's ln C,
    # its trend over the second half never back below half of that: a finite explosion.
    chance_explosion_factor: float = 10.0
    # ...or, beside an accuracy that never beat a random guess's 1/C, a loss whose final level
    # is this many times ln C: confidently wrong.
    chance_broken_factor: float = 1.25
    # A loss (train or eval) that rose from its start or climbed from its low but ended below
    # this many times a classifier's ln C fell back toward a random guess; it did not blow up
    # (the blown-up losses of the labelled runs end at 1e5-1e34, or tens of times ln C).
    blow_up_min_of_chance: float = 2.0
    # A steady climb also diverges when it ends at this many times its low and at least the
    # second share of its start above it: a loss that fell 95 % and climbs back to half its
    # start has multiplied by ten, whatever share of the start that is.
    climb_factor_of_low: float = 3.0
    climb_min_rise_of_start: float = 0.25
    # The Trainer's NaN filter logs "loss": 0.0 for windows where every step was NaN: a loss
    # that jumps to exactly 0.0 from above this share of its start is a hidden divergence.
    hidden_nan_min_share_of_start: float = 0.01
    # A run that learned (its trend fell to the first share of its start or below), then
    # exploded (a logged loss this many times its start) and ended having undone the third
    # share of its fall, sitting still after (its spread at most the fourth share of its
    # level): the explosion wrecked it, whether it then sits on a random guess.
    collapse_learned_of_start: float = 0.5
    collapse_explosion_of_start: float = 2.0
    collapse_undone_of_fall: float = 0.8
    collapse_settled_spread: float = 0.1

    # stuck: the loss ends within this share of its start and its trend never moves further
    # from it (the second share also says when a fall counts as learning at all); or, from
    # some step within the first settle share of the steps to the end, its trend stays within
    # the first share of a level within the last share of ln C (collapsed at once onto a
    # random guess) — within the second settle share when the loss started blown up to
    # explosion_factor times that level or more (the blow-up may last a few epochs).
    stuck_max_fall_of_start: float = 0.05
    # A negative loss whose size grew this many times its start's, still falling: no floor.
    runaway_below_zero_factor: float = 100.0
    stuck_max_dip_of_start: float = 0.1
    # A classifier whose accuracies never moved: its loss may fall this much (onto the prior's
    # entropy) and still be stuck; an accuracy's whole range within this share of its ceiling.
    stuck_prior_max_fall_of_start: float = 0.1
    stuck_prior_max_accuracy_band: float = 0.03
    stuck_settle_share: float = 0.1
    stuck_settle_share_after_blow_up: float = 0.5
    chance_plateau_tolerance: float = 0.02
    # stuck at chance, whatever the start: an accuracy whose final level and best stay within
    # this of a random guess's 1/C, beside a loss within this share of ln C.
    chance_accuracy_margin: float = 0.05
    chance_loss_tolerance_with_accuracy: float = 0.1

    # unstable: in the second half, the mean swing around the trend is at least this share of
    # the level and of the run's start, and no trend lasts (a straight line moving more than
    # the swing times the third number, with a slope this many standard errors from zero).
    unstable_min_points: int = 8
    unstable_spread_of_level: float = 0.2
    unstable_spread_of_start: float = 0.05
    unstable_train_spread_of_start: float = 0.1  # the training loss's (per-batch) swings
    unstable_trend_of_spread: float = 1.0
    unstable_trend_significance: float = 2.0
    unstable_min_spikes: int = 3
    # Repeated spikes are instability only when their typical jump is at least this share of
    # the start: lone jumps of a tenth or a fifth of it, on a loss that fine-tuned to near
    # zero, are hard batches (real fine-tunes labelled blind: healthy); every benchmark run
    # made unstable by its mechanism jumps by a third of its start or more.
    unstable_spike_min_of_start: float = 0.25
    # Training-loss swings are batch noise beside an overfitting eval loss only while they
    # stay under this share of the start (a memorising run's spikes are a few % of
    # it); and swings of at least the first share of the level and the second of the start are
    # erratic even along a lasting trend (consecutive points differ by about the level itself).
    unstable_batch_noise_of_start: float = 0.1
    # ...whatever the swings, while an eval loss of this many points turns up with point noise
    # within this share of its level.
    unstable_smooth_eval_min_points: int = 8
    unstable_smooth_eval_noise: float = 0.03
    # An eval loss swinging this share of its level is erratic whatever its start.
    unstable_eval_spread_of_level: float = 0.3
    unstable_wild_of_level: float = 0.5
    unstable_wild_of_start: float = 0.2
    # A rebound: the training loss's trend climbs this share above its running low, undoing
    # the second share of the fall that led there, from a low after the third share of the
    # steps; then it gives back the fourth share of the climb by the end.
    rebound_rise_of_low: float = 0.5
    rebound_fall_given_back: float = 0.25
    rebound_after_share: float = 0.1
    rebound_recovered: float = 0.5

    # overfitting: eval rose this share above its best (7 %: real runs labelled blind called
    # rises of 7–8 % held over several epochs overfitting), by this many noise units (of the
    # difference), over at least this many evaluations and this share of the steps after the
    # best, while train fell this share after it.
    overfit_min_rise: float = 0.07
    overfit_min_rise_noise_units: float = 1.5
    overfit_min_points_after: int = 2
    overfit_min_share_after: float = 0.2
    overfit_min_train_fall: float = 0.02
    # ...and, when that fall is less than the second share, by this many noise units of the
    # difference (a noisy training loss that moved within its scatter made no progress) —
    # when at least this many training points lie after the turn (a few epoch means scatter
    # by the curve's own bend: a real 10-epoch Keras run fell 6.5 % over two, overfitting).
    overfit_train_fall_noise_units: float = 1.0
    overfit_train_fall_clear: float = 0.1
    overfit_train_noise_min_points: int = 10
    # ...or, for a large rise (this share of the best or more) held over this many evaluations,
    # by this many noise units: a short eval curve's noise is estimated from its own few points,
    # the turn's wiggles and its early fall's curvature among them, so a wide margin on it
    # would hide a turn every reader sees (an eval loss 40 % above its best three epochs on).
    overfit_large_rise: float = 0.25
    overfit_large_rise_points_after: int = 3
    overfit_large_rise_noise_units: float = 1.0
    # ...and a rise this far beyond the noise (units), held as long, needs only this share of
    # the best: an eval loss climbing 9 % over seven epochs at 6 noise units is no wobble.
    overfit_clear_rise_noise_units: float = 3.0
    overfit_clear_rise: float = 0.05
    # A task metric the Trainer selects by, at its best at the end, excuses an eval-loss rise
    # up to this share of its best (a model growing overconfident), not beyond.
    overfit_selection_max_rise: float = 0.5

    # underfitting: train and eval both end at or above this share of the training loss's
    # start (or of a random guess's loss when the number of classes is known), flat, having
    # made 90 % of their fall by this share of the steps — or any time, when they barely
    # fell (end at or above the third share).
    underfit_min_level_of_reference: float = 0.4
    # A learning rate that ended at this share of its peak or less: the schedule is over, so a
    # slow late fall is not "not converged" (more steps at ~0 learning rate gain nothing).
    schedule_over_ratio: float = 0.05
    # ...and one that ended at this share of its peak or more was not winding down: a late fall
    # of the second share of the final level (a third of the usual) then counts, when clear.
    schedule_far_from_over_ratio: float = 0.5
    not_converged_min_late_gain_at_full_rate: float = 0.01
    underfit_plateau_by: float = 0.5
    underfit_barely_fell_level: float = 0.8
    # ...or when the best final accuracy closed less than this share of the way from a random
    # guess's 1/C to 100 %.
    underfit_barely_learned: float = 0.5
    # ...but not when the eval loss ends this many times the training loss or more: a model
    # that fits its training data that much better is limited by generalisation, not capacity
    # (underfit train and eval losses end close: at most 1.15x on every labelled run).
    underfit_max_eval_gap: float = 1.25
    # A plateau at most this share of a known ln C, reached as the learning rate decayed to ~0
    # with the eval curve still at its lowest at the end, is a converged hard task (issue 13:
    # "a plateau at 40-50 % of ln C after the learning rate decayed ... is healthy").
    underfit_hard_task_max_level: float = 0.5
    # Without an accuracy or a class count (no random guess to measure by), both curves must
    # end at this share of the training loss's start or above (real runs labelled blind: the
    # regressors, autoencoders and language models called underfitting below it had mostly
    # converged on their task's floor).
    underfit_min_level_of_start_alone: float = 0.6
    # A classifier's loss still falling, but over the last steps by less than this share of
    # its whole fall, is levelling off: more steps at that pace gain little, so a high level
    # is underfitting (benchmark: single-hidden-unit runs fall 4-7 % of their fall late; runs
    # labelled not converged, 13 % or more).
    underfit_levelling_late_of_fall: float = 0.08
    # ...and no classifier whose accuracy closed this share of the way from a random guess's
    # 1/C to 100 % is underfitting, however high its loss (label smoothing, calibration).
    underfit_max_learned: float = 0.8

    # not_converged: a line through the last late_share of the steps falls this share of the
    # final level or the second share of the run's whole fall, at least the third share of
    # that fall, and by this many standard errors.
    late_share: float = 0.2
    not_converged_min_late_gain: float = 0.03
    not_converged_min_late_share_of_fall: float = 0.1
    not_converged_min_late_gain_of_fall: float = 0.01
    not_converged_noise_units: float = 2.0
    # ...or the mean of the last third of the points is this share below the middle third's,
    # by the same noise units, and at least the second share of the fall into
    # the middle third (a fall slowing no faster has >= 3 % of the level still to give).
    not_converged_last_third_min_fall: float = 0.05
    not_converged_last_third_min_of_middle: float = 0.4
    # ...and the last third's own halves fall at least this share of the fall into it (a smooth
    # curve slowing at the limit above shows 0.3; a drop that ended earlier, then flat, ~0).
    not_converged_last_third_min_within: float = 0.15
    # ...or an eval curve of at most the second count of points whose last (first count)
    # evaluations were each a new low, together by the late gain's share of the final level
    # and the late share of the whole fall (not_converged_min_late_gain, _late_share_of_fall).
    not_converged_new_lows: int = 3
    not_converged_new_lows_max_points: int = 12

    # Number of classes inferred from a first loss within this share of ln C, C up to this.
    chance_inference_tolerance: float = 0.05
    max_inferred_classes: int = 10
    # initial_loss: a first loss further than this share from ln C (num_classes known).
    initial_loss_tolerance: float = 0.5

    # early_stopping: patience when the run does not say, and the least saving worth a word.
    early_stopping_patience: int = 3
    early_stopping_min_saving: float = 0.1

    # eval_better_than_train: eval below train by this share of the train level, at the end.
    eval_better_min_gap: float = 0.1
    # train_eval_gap: eval above train by this share of the train level over the second half,
    # in which train fell at least the second share and eval at most the third.
    train_eval_gap_min: float = 0.5
    train_eval_gap_train_fall: float = 0.1
    train_eval_gap_eval_fall: float = 0.05

    # loss_spike: a jump of at least this share of the run's start and of the level it left;
    # no_warmup: a spike in this first share of the steps.
    spike_min_share_of_start: float = 0.05
    spike_min_rise_of_level: float = 0.5
    warmup_spike_share: float = 0.2
    # exploding_grad_norm: the grad norm ends this many times above its early level.
    grad_norm_growth_factor: float = 10.0
    # Exactly constant (frozen) series: at least this many identical points at the end.
    constant_min_points: int = 5
    # plateau_after_lr_drop: the loss fell less than this share of its level after a drop.
    plateau_after_drop_max_gain: float = 0.01

    def __post_init__(self) -> None:
        for name, low, high in _RANGES:
            value = getattr(self, name)
            if isinstance(value, bool) or not low <= value <= high:
                raise ConfigError(f"rules.{name} = {value} is out of range; use {low} to {high}")

    def replace(self, **changes: object) -> RuleSettings:
        """A copy with some values changed, validated like the original."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        values.update(changes)
        return RuleSettings(**values)


_INFINITY = float("inf")
_RANGES: tuple[tuple[str, float, float], ...] = (
    ("min_loss_points", 2, 1_000_000),
    ("min_eval_points", 2, 1_000_000),
    ("blow_up_rise_of_start", 0.0, _INFINITY),
    ("explosion_factor", 1.0, _INFINITY),
    ("chance_explosion_factor", 1.0, _INFINITY),
    ("chance_broken_factor", 1.0, _INFINITY),
    ("blow_up_min_of_chance", 0.0, _INFINITY),
    ("climb_factor_of_low", 1.0, _INFINITY),
    ("climb_min_rise_of_start", 0.0, _INFINITY),
    ("blow_up_noise_units", 0.0, _INFINITY),
    ("hidden_nan_min_share_of_start", 0.0, 1.0),
    ("collapse_learned_of_start", 0.0, 1.0),
    ("collapse_explosion_of_start", 1.0, _INFINITY),
    ("collapse_undone_of_fall", 0.0, 1.0),
    ("collapse_settled_spread", 0.0, _INFINITY),
    ("stuck_max_fall_of_start", 0.0, 1.0),
    ("runaway_below_zero_factor", 1.0, _INFINITY),
    ("stuck_max_dip_of_start", 0.0, 1.0),
    ("stuck_prior_max_fall_of_start", 0.0, 1.0),
    ("stuck_prior_max_accuracy_band", 0.0, 1.0),
    ("stuck_settle_share", 0.0, 1.0),
    ("stuck_settle_share_after_blow_up", 0.0, 1.0),
    ("chance_plateau_tolerance", 0.0, 1.0),
    ("chance_accuracy_margin", 0.0, 1.0),
    ("chance_loss_tolerance_with_accuracy", 0.0, 1.0),
    ("unstable_min_points", 4, 1_000_000),
    ("unstable_spread_of_level", 0.0, _INFINITY),
    ("unstable_spread_of_start", 0.0, _INFINITY),
    ("unstable_train_spread_of_start", 0.0, _INFINITY),
    ("unstable_trend_of_spread", 0.0, _INFINITY),
    ("unstable_trend_significance", 0.0, _INFINITY),
    ("unstable_min_spikes", 1, 1_000_000),
    ("unstable_spike_min_of_start", 0.0, _INFINITY),
    ("unstable_batch_noise_of_start", 0.0, _INFINITY),
    ("unstable_smooth_eval_min_points", 2, 1_000_000),
    ("unstable_smooth_eval_noise", 0.0, _INFINITY),
    ("unstable_eval_spread_of_level", 0.0, _INFINITY),
    ("unstable_wild_of_level", 0.0, _INFINITY),
    ("unstable_wild_of_start", 0.0, _INFINITY),
    ("rebound_rise_of_low", 0.0, _INFINITY),
    ("rebound_fall_given_back", 0.0, _INFINITY),
    ("rebound_after_share", 0.0, 1.0),
    ("rebound_recovered", 0.0, 1.0),
    ("overfit_min_rise", 0.0, _INFINITY),
    ("overfit_min_rise_noise_units", 0.0, _INFINITY),
    ("overfit_min_points_after", 1, 1_000_000),
    ("overfit_min_share_after", 0.0, 1.0),
    ("overfit_min_train_fall", 0.0, 1.0),
    ("overfit_train_fall_noise_units", 0.0, _INFINITY),
    ("overfit_train_fall_clear", 0.0, 1.0),
    ("overfit_train_noise_min_points", 1, 1_000_000),
    ("overfit_large_rise", 0.0, _INFINITY),
    ("overfit_large_rise_points_after", 1, 1_000_000),
    ("overfit_large_rise_noise_units", 0.0, _INFINITY),
    ("overfit_clear_rise_noise_units", 0.0, _INFINITY),
    ("overfit_clear_rise", 0.0, _INFINITY),
    ("overfit_selection_max_rise", 0.0, _INFINITY),
    ("underfit_levelling_late_of_fall", 0.0, 1.0),
    ("underfit_max_learned", 0.0, 1.0),
    ("underfit_min_level_of_reference", 0.0, 1.0),
    ("schedule_over_ratio", 0.0, 1.0),
    ("schedule_far_from_over_ratio", 0.0, 1.0),
    ("not_converged_min_late_gain_at_full_rate", 0.0, _INFINITY),
    ("underfit_plateau_by", 0.0, 1.0),
    ("underfit_barely_fell_level", 0.0, 1.0),
    ("underfit_barely_learned", 0.0, 1.0),
    ("underfit_max_eval_gap", 1.0, _INFINITY),
    ("underfit_hard_task_max_level", 0.0, 1.0),
    ("underfit_min_level_of_start_alone", 0.0, 1.0),
    ("late_share", 0.01, 0.5),
    ("not_converged_min_late_gain", 0.0, _INFINITY),
    ("not_converged_min_late_share_of_fall", 0.0, 1.0),
    ("not_converged_min_late_gain_of_fall", 0.0, 1.0),
    ("not_converged_noise_units", 0.0, _INFINITY),
    ("not_converged_new_lows", 0, 1_000_000),
    ("not_converged_new_lows_max_points", 0, 1_000_000),
    ("not_converged_last_third_min_fall", 0.0, _INFINITY),
    ("not_converged_last_third_min_of_middle", 0.0, _INFINITY),
    ("not_converged_last_third_min_within", 0.0, _INFINITY),
    ("chance_inference_tolerance", 0.0, 1.0),
    ("max_inferred_classes", 2, 1_000_000),
    ("initial_loss_tolerance", 0.0, _INFINITY),
    ("early_stopping_patience", 1, 1_000_000),
    ("early_stopping_min_saving", 0.0, 1.0),
    ("eval_better_min_gap", 0.0, 1.0),
    ("train_eval_gap_min", 0.0, _INFINITY),
    ("train_eval_gap_train_fall", 0.0, 1.0),
    ("train_eval_gap_eval_fall", -1.0, 1.0),
    ("spike_min_share_of_start", 0.0, _INFINITY),
    ("spike_min_rise_of_level", 0.0, _INFINITY),
    ("warmup_spike_share", 0.0, 1.0),
    ("grad_norm_growth_factor", 1.0, _INFINITY),
    ("constant_min_points", 2, 1_000_000),
    ("plateau_after_drop_max_gain", 0.0, 1.0),
)
