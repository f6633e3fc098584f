"""The run's own choice of its best checkpoint: the Trainer's ``best_model_checkpoint``, picked
by the ``metric_for_best_model`` the user set (WER, F1, BLEU…). When that choice is the last
evaluation and the task metric is at its best there, the user's criterion says the run was
still getting better, whatever its eval loss did: a Whisper or seq2seq fine-tune's eval loss
often turns up as the model grows overconfident while its WER keeps falling. Such a run is
not called overfitting; the loss's turn is said as a finding of its own — unless the eval
loss rose by more than half its best (``overfit_selection_max_rise``): that is no longer a
model growing a little overconfident, and the run is overfitting whatever the task metric did.
"""

from __future__ import annotations

from curvelint.diagnosis import selection_metric
from curvelint.diagnosis.context import RunContext


def selected_at_the_end(context: RunContext) -> bool:
    """The Trainer's best evaluation (``best_global_step``, or the checkpoint it kept) is the
    last one, where the task metric logged beside the eval loss is at its best."""
    metric, kept = context.eval_metric, selection_metric.best_step(context.metadata)
    if metric is None or kept is None or metric.count < context.settings.min_eval_points:
        return False
    best_index, _ = metric.best()
    last_step = int(metric.steps[-1])
    return best_index == metric.count - 1 and kept >= last_step


def excused_by_selection(context: RunContext) -> bool:
    """The task metric the Trainer selects by was at its best at the end, and the eval loss's
    rise is small enough for growing overconfidence to explain it."""
    evals = context.eval
    if evals is None or not selected_at_the_end(context):
        return False
    return evals.eval_turn().rise_relative < context.settings.overfit_selection_max_rise
