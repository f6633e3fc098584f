"""A finding's evidence as people read it: ``rise_of_start 0.605`` becomes "rise, as a share
of the start level: +61 %", ``cause blow_up`` becomes "cause: the loss blew up".

report.json keeps the raw keys and values for machines; report.md and the HTML report show
these labels. A key without an entry is spelled from its words (``eval_points`` → "eval
points") and formatted by its suffix, so a new rule's evidence never shows as code.
"""

from __future__ import annotations

from curvelint.diagnosis.findings import EvidenceValue
from curvelint.numbers import format_step, format_value, percent, signed_percent, times

LEVEL, SHARE, CHANGE, STEP, COUNT, FACTOR, NOISE, TEXT = (
    "level",
    "share",
    "change",
    "step",
    "count",
    "factor",
    "noise",
    "text",
)

# key -> (words, how its value reads)
LABELS: dict[str, tuple[str, str]] = {
    "accuracy_final_level": ("accuracy final level", LEVEL),
    "accuracy_band": ("widest accuracy range after its first point, of its ceiling", SHARE),
    "accuracy_last_step": ("accuracy's last step", STEP),
    "accuracy_last_value": ("accuracy's last value", LEVEL),
    "accuracy_best_from_share": ("accuracy's best counted from this share of the run", SHARE),
    "accuracy_learned": ("accuracy, share of the way from a random guess to 100 %", SHARE),
    "accuracy_trend_best": ("accuracy trend's best", LEVEL),
    "at": ("where it froze", TEXT),
    "before_of_start": ("level before, as a share of the start level", SHARE),
    "best_metric": ("the Trainer's best metric", LEVEL),
    "best_saved": ("best evaluation saved", TEXT),
    "best_step": ("best at step", STEP),
    "best_value": ("best value", LEVEL),
    "cause": ("cause", TEXT),
    "chance_accuracy": ("accuracy of a random guess", LEVEL),
    "chance_loss": ("loss of a random guess (ln C)", LEVEL),
    "constant_prediction_loss": ("least loss a constant prediction scores", LEVEL),
    "change_of_start": ("change, as a share of the start level", CHANGE),
    "classes": ("classes", COUNT),
    "climb_of_start": ("climb, as a share of the start level", SHARE),
    "drop_step": ("learning-rate drop at step", STEP),
    "early": ("level early on", LEVEL),
    "change": ("change from the early level", LEVEL),
    "early_points": ("points in the early level", COUNT),
    "noise": ("the noise allowance (standard errors of that change)", LEVEL),
    "noise_units": ("standard errors in the allowance", COUNT),
    "eval_best_before": ("eval best before the last evaluation", LEVEL),
    "eval_best_step": ("eval best at step", STEP),
    "eval_best_value": ("eval best value", LEVEL),
    "eval_fall_second_half": ("eval fall over the second half", SHARE),
    "eval_drop_of_best_before": ("last evaluation below that best, as a share of it", SHARE),
    "eval_final": ("eval final level", LEVEL),
    "eval_final_level": ("eval final level", LEVEL),
    "eval_gap_of_train": ("eval above train, as a share of train", CHANGE),
    "eval_last": ("last evaluation", LEVEL),
    "eval_level_of_reference": ("eval level, as a share of the reference", SHARE),
    "explosion_peak": ("highest loss after the low", LEVEL),
    "explosion_step": ("explosion at step", STEP),
    "eval_points": ("eval points", COUNT),
    "new_lows": ("last evaluations, each a new low", COUNT),
    "factor": ("learning-rate factor", FACTOR),
    "fall_given_back": ("share of the fall undone", SHARE),
    "fall_of_start": ("fall, as a share of the start level", SHARE),
    "fall_of_trend_high": ("fall, as a share of the trend's early high", SHARE),
    "final": ("final value", LEVEL),
    "final_level": ("final level", LEVEL),
    "growth_of_start": ("size of the final level, as a multiple of the start's", FACTOR),
    "final_of_chance": ("final level, as a share of a random guess's", SHARE),
    "fall_undone": ("share of the fall undone by the end", SHARE),
    "final_of_low": ("final level, as a multiple of the lowest", FACTOR),
    "finite_points": ("finite points", COUNT),
    "gain_after": ("improvement after the drop", LEVEL),
    "global_step": ("stopped at step", STEP),
    "initial": ("first value", LEVEL),
    "best_before": ("best before it froze", LEVEL),
    "initial_learning_rate": ("first learning rate", LEVEL),
    "jump_of_start": ("jump, as a share of the start level", SHARE),
    "kept_step": ("kept checkpoint at step", STEP),
    "kind": ("became", TEXT),
    "largest_baseline": ("level before the largest spike", LEVEL),
    "largest_step": ("largest spike at step", STEP),
    "largest_value": ("largest spike's value", LEVEL),
    "peak_of_start": ("highest loss after the low, as a multiple of the start level", FACTOR),
    "last_of_start": ("last value, as a share of the start level", SHARE),
    "last_step": ("last step", STEP),
    "last_value": ("last value", LEVEL),
    "late_change": ("change over the last steps", LEVEL),
    "late_change_of_final": ("late change, as a share of the final level", CHANGE),
    "late_change_of_start": ("late change, as a share of the start level", CHANGE),
    "late_change_of_range": ("late change, as a share of the range", CHANGE),
    "late_gain": ("fall of the fitted line over the last steps", LEVEL),
    "late_gain_errors": ("late fall, in standard errors", NOISE),
    "late_gain_share": ("late fall, as a share of the final level", SHARE),
    "late_gain_of_fall": ("late fall, as a share of the whole fall", SHARE),
    "late_gain_of_final": ("late fall, as a share of the final level", SHARE),
    "late_gain_of_start": ("late fall, as a share of the start level", SHARE),
    "late_gain_of_range": ("late fall, as a share of the range", SHARE),
    "late_share": ("last share of the steps judged", SHARE),
    "loss_turn_step": ("eval loss turned at step", STEP),
    "lr_final_of_peak": ("learning rate at the end, as a share of its peak", SHARE),
    "max_steps": ("steps the Trainer planned", STEP),
    "median_gap": ("median eval–train gap, as a share of train", CHANGE),
    "metric_best_step": ("task metric best at step", STEP),
    "metric_best_value": ("task metric's best", LEVEL),
    "needed": ("points needed", COUNT),
    "non_finite_points": ("NaN/inf points", COUNT),
    "onset_step": ("began at step", STEP),
    "patience": ("patience (evaluations)", COUNT),
    "peak": ("peak", LEVEL),
    "peak_of_low": ("peak, as a multiple of the low", FACTOR),
    "peak_step": ("peak at step", STEP),
    "points": ("points", COUNT),
    "points_after": ("evaluations after the turn", COUNT),
    "projection": ("projected level", LEVEL),
    "projection_high": ("projection, high end", LEVEL),
    "projection_low": ("projection, low end", LEVEL),
    "projection_step": ("projected at step", STEP),
    "recovered": ("recovered", TEXT),
    "reference": ("compared with", TEXT),
    "reference_level": ("reference level", LEVEL),
    "rise_noise_units": ("rise, in noise units", NOISE),
    "rise_of_best": ("rise from the best, as a share of the best level", SHARE),
    "rise_of_start": ("rise, as a share of the start level", CHANGE),
    "rise_relative": ("rise of the trend from its best, as a share of it", SHARE),
    "save_steps": ("steps between checkpoints", COUNT),
    "saving": ("steps saved", SHARE),
    "second_half_level": ("level over the second half", LEVEL),
    "selection_metric_best": ("selection metric's best", LEVEL),
    "settled_share": ("settled after this share of the run", SHARE),
    "settled_step": ("settled at step", STEP),
    "share_done": ("share of the planned steps done", SHARE),
    "share_of_run": ("share of the run", SHARE),
    "since_step": ("since step", STEP),
    "spike_step": ("spike at step", STEP),
    "spikes": ("spikes", COUNT),
    "start_level": ("start level", LEVEL),
    "step": ("at step", STEP),
    "step_before": ("last finite at step", STEP),
    "steps": ("steps", TEXT),
    "stop_step": ("stopped at step", STEP),
    "swing": ("typical swing around the trend", LEVEL),
    "swing_of_level": ("swing, as a share of the level", SHARE),
    "swing_of_start": ("swing, as a share of the start level", SHARE),
    "train_fall": ("train fall", SHARE),
    "train_fall_second_half": ("train fall over the second half", SHARE),
    "train_final": ("train final level", LEVEL),
    "train_final_level": ("train final level", LEVEL),
    "train_level_after_turn": ("train level after the turn (median)", LEVEL),
    "train_level_of_reference": ("train level, as a share of the reference", SHARE),
    "train_points": ("train points", COUNT),
    "train_trend_at_start": ("train trend at the start", LEVEL),
    "train_trend_at_turn": ("train trend at the turn", LEVEL),
    "trend_best_step": ("trend's best at step", STEP),
    "trend_drift_of_final": ("trend drift, as a share of the final level", CHANGE),
    "trend_excursion_of_start": ("trend's largest departure, as a share of the start", SHARE),
    "trend_dip_of_start": ("trend's deepest dip below the start, as a share of it", SHARE),
    "trend_high": ("the trend's early high", LEVEL),
    "trend_low": ("trend's lowest level", LEVEL),
    "trend_low_step": ("trend's lowest at step", STEP),
    "trend_peak": ("trend's peak", LEVEL),
    "trend_peak_step": ("trend's peak at step", STEP),
    "typical_jump": ("typical jump", LEVEL),
    "unrecovered": ("spikes not recovered", COUNT),
    "value": ("value", LEVEL),
    "value_before": ("last finite value", LEVEL),
    "zero_loss_points": ("points at exactly 0", COUNT),
}

# Text values that are codes: said in words.
WORDS = {
    "blow_up": "the loss blew up",
    "eval_blow_up": "the eval loss blew up",
    "erratic": "erratic swings",
    "rebound": "a rebound (a blow-up the run survived)",
    "learning_undone": "learning undone (eval worse while training made no progress)",
    "broken_at_chance": "confidently wrong at chance",
    "accuracy_at_chance": "an accuracy at chance",
    "runaway_below_zero": "the loss ran away below zero",
    "accuracy_never_moved": "no accuracy moved: only the class frequencies were learned",
    "far_above_chance": "a loss far above a random guess's",
    "explosion": "the loss exploded",
    "collapse_after_explosion": "learned, then exploded and never recovered",
    "climb": "a steady climb",
    "at_chance": "a loss on a random guess's",
    "repeated_spikes": "repeated spikes",
    "hidden_nan": "a NaN hidden as a zero loss",
    "sudden_zero": "a sudden exact zero",
    "non_finite_loss": "a NaN or inf loss",
    "never_left_start": "never left its start level",
    "never_fell": "ended above its start level",
    "no_gain_beyond_noise": "no lower at the end than early on, beyond the noise",
    "reward_never_rose": "the reward never rose",
    "ceiling": "a ceiling (100 %)",
    "class frequency": "a class frequency",
    "chance": "a random guess",
    "start": "the start level",
    "nan": "NaN",
}


def _kind_of(key: str) -> str:
    """How a key without an entry reads, from its suffix."""
    if key.endswith("_step") or key == "step":
        return STEP
    if key.endswith(("_points", "_count")):
        return COUNT
    if "_of_" in key or key.endswith(("_share", "_fall")):
        return SHARE
    return LEVEL


def evidence_label(key: str) -> str:
    """The words for an evidence key."""
    known = LABELS.get(key)
    return known[0] if known else key.replace("_", " ")


def evidence_text(key: str, value: EvidenceValue) -> str:
    """An evidence value in the unit its key says (percent, step, multiple…)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return WORDS.get(value, value.replace("_", " "))
    kind = LABELS[key][1] if key in LABELS else _kind_of(key)
    if kind == STEP and float(value) == int(value):
        return format_step(int(value))
    if kind == COUNT and float(value) == int(value):
        return f"{int(value):,}"
    return _number_text(kind, float(value))


def _number_text(kind: str, value: float) -> str:
    if kind == SHARE:
        return percent(value)
    if kind == CHANGE:
        return signed_percent(value)
    if kind in (FACTOR, NOISE):  # "10x its standard error", as the sentences write it
        return times(value)
    return format_value(value)
