"""How large a curve's late fall is, and whether that is large enough to count as still
improving: a visible share of the final level, or of the whole fall (a loss falling in a
straight line), any clear gain when the Trainer stopped short of its plan, or a smaller share
while the learning rate is still at half its peak or more — unless the eval loss sits below
the training loss (dropout), whose late drift is the regularised model settling. Shared by the
not-converged rule (and its sentence) and healthy's confidence."""

from __future__ import annotations

from curvelint.analysis.levels import Curve, LateTrend, late_trend, scale_of
from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.plan import cut_short


def late_gain_share(context: RunContext, curve: Curve) -> float:
    """The late line's gain as a share of the final level (its magnitude, or the curve's
    scale when it ends near zero)."""
    final = abs(curve.final())
    level = final if final > 0 else scale_of(curve)
    return late_trend(curve, context.settings.late_share).gain / level


def late_gain_of_fall(curve: Curve, late: LateTrend) -> float:
    """The late line's gain as a share of the curve's whole fall (0 when it did not fall)."""
    whole_fall = curve.start() - curve.final()
    return late.gain / whole_fall if whole_fall > 0 else 0.0


# Why a late fall is large enough to count (see the module docstring).
VISIBLE_SHARE, VISIBLE_OF_FALL, VISIBLE_PLAN, VISIBLE_AT_FULL_RATE = (
    "share", "of_fall", "plan", "full_rate",
)  # fmt: skip


def why_visible(context: RunContext, curve: Curve) -> str | None:
    """The first reason the late line's fall is large enough to count, None when none is: a
    visible share of the final level, of the whole fall, a plan cut short (any clear gain),
    or a learning rate still at half its peak (a smaller share, unless eval sits below train)."""
    settings = context.settings
    share = late_gain_share(context, curve)
    if share >= settings.not_converged_min_late_gain:
        return VISIBLE_SHARE
    late = late_trend(curve, settings.late_share)
    if late_gain_of_fall(curve, late) >= settings.not_converged_min_late_share_of_fall:
        return VISIBLE_OF_FALL
    if cut_short(context.metadata):
        return VISIBLE_PLAN
    if (
        share >= settings.not_converged_min_late_gain_at_full_rate
        and context.schedule_far_from_over
        and not eval_below_train(context, curve)
    ):
        return VISIBLE_AT_FULL_RATE
    return None


def eval_below_train(context: RunContext, curve: Curve) -> bool:
    """The judged eval loss ends below the training loss (dropout, augmentation): its late
    drift is the regularised model settling, not training left undone (issue 13's boundary)."""
    train = context.train
    return curve is context.eval and train is not None and curve.final() < train.final()
