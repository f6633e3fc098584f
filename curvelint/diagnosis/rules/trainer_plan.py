"""What the Trainer planned and kept, against what the curves show: a run cut short of its
``max_steps``, the checkpoint to keep (``best_model_checkpoint``) and whether the best
evaluation was saved at all, and a selection metric (WER, F1, BLEU…) that kept improving while
the eval loss turned up — common in Whisper and seq2seq fine-tunes, where the loss is the
wrong thing to stop on.
"""

from __future__ import annotations

from curvelint.diagnosis.context import RunContext
from curvelint.diagnosis.findings import EvidenceValue, Finding, Severity, Verdict
from curvelint.diagnosis.plan import metadata_int, stopped_short
from curvelint.diagnosis.rules.overfitting import eval_turned_up, judged_eval
from curvelint.diagnosis.rules.selection import selected_at_the_end
from curvelint.diagnosis.selection_metric import kept_checkpoint_step
from curvelint.diagnosis.wording import number

CUT_SHORT_ADVICE = (
    "Resume from the last checkpoint (Trainer.train(resume_from_checkpoint=True)) rather than "
    "starting over, and check the job's time limit, memory and logs for why it stopped."
)
KEEP_ADVICE = (
    "Keep the best checkpoint, not the last one: set load_best_model_at_end=True with "
    "metric_for_best_model, and save at every evaluation (save_steps = eval_steps) so the best "
    "evaluation is always on disk."
)
SELECTED_ALREADY_ADVICE = (
    "The Trainer already selects by {metric} (its best_metric is that metric's best): keep "
    "the checkpoint it kept and judge the run by {metric}; an eval loss that rises while the "
    "metric improves is the model growing overconfident, not worse at the task."
)
SELECTION_ADVICE = (
    "Judge and stop on the task metric, not the loss: set metric_for_best_model to it (with "
    "greater_is_better matching it) and load_best_model_at_end=True; an eval loss that rises "
    "while the metric improves is the model growing overconfident, not worse at the task."
)


def check_cut_short(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """The run stopped well before the ``max_steps`` its Trainer planned."""
    stopped = stopped_short(context.metadata)
    if stopped is None:
        return ()
    words, plan = stopped
    message = (
        f"{words}: it was cut short of its max_steps, so its curves end before the schedule did."
    )
    evidence: dict[str, EvidenceValue] = dict(plan)
    return (Finding("cut_short", Severity.WARNING, 0.95, message, CUT_SHORT_ADVICE, evidence),)


def check_best_checkpoint(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """Which checkpoint the Trainer kept as best, and whether the best eval loss was saved."""
    kept = kept_checkpoint_step(context.metadata)
    selected = context.selected_task_metric
    evals = selected.curve if selected is not None else context.eval
    if kept is None or evals is None:
        return ()
    best_index, best = evals.best()
    best_step = int(evals.steps[best_index])
    save_steps = metadata_int(context.metadata, "save_steps")
    saved = best_step == kept or (
        save_steps is not None and save_steps > 0 and best_step % save_steps == 0
    )
    metric = context.metadata.get("best_metric")
    evidence: dict[str, EvidenceValue] = {
        "kept_step": kept,
        "best_metric": metric if isinstance(metric, int | float) else None,
        "eval_best_value": evals.logged(best),
        "eval_best_step": best_step,
        "save_steps": save_steps,
        "best_saved": saved,
    }
    opening = f"the Trainer kept checkpoint-{kept}" + (
        f" (best_metric {number(float(metric))})" if isinstance(metric, int | float) else ""
    )
    lowest = number(evals.logged(best))
    extreme = "best" if selected is not None else "lowest"
    if kept == best_step:
        message = f"{opening}, where {evals.name} was {extreme} ({lowest}): keep it."
        return (Finding("best_checkpoint", Severity.INFO, 0.9, message, KEEP_ADVICE, evidence),)
    where = {
        True: "was saved",
        False: f"was not saved (save_steps {save_steps}: no checkpoint at that step)",
        None: "may not have been saved (no save_steps logged)",
    }[saved]
    message = (
        f"{opening}, but {evals.name} was {extreme} at {context.where(best_step)} "
        f"({lowest}), which {where}."
    )
    severity = Severity.WARNING if saved is False else Severity.INFO
    return (Finding("best_checkpoint", severity, 0.9, message, KEEP_ADVICE, evidence),)


def check_selection_metric(context: RunContext, verdict: Verdict) -> tuple[Finding, ...]:
    """The eval loss turned up (an overfitting verdict, or one the Trainer's own selection at
    the last evaluation overruled) while the task metric kept improving to its best late."""
    metric = context.eval_metric
    judged = judged_eval(context)
    if metric is None or judged is None or judged is metric:
        return ()
    overruled = selected_at_the_end(context) and eval_turned_up(context)
    if verdict is not Verdict.OVERFITTING and not overruled:
        return ()
    best_index, best = metric.best()
    best_step = int(metric.steps[best_index])
    turn_step = judged.eval_turn().best_step
    if best_step <= turn_step or metric.share_of_steps(best_step) < 0.8:
        return ()
    message = (
        f"{judged.name} turned up after {context.where(turn_step)}, but {metric.name} kept "
        f"improving to its best {number(metric.logged(best))} at {context.where(best_step)}: "
        f"by the task metric the model was still getting better."
    )
    evidence: dict[str, EvidenceValue] = {
        "loss_turn_step": turn_step,
        "metric_best_value": metric.logged(best),
        "metric_best_step": best_step,
    }
    selected = context.selected_task_metric
    already = selected is not None and selected.curve is metric
    return (
        Finding(
            "selection_metric_improving",
            Severity.INFO if already else Severity.WARNING,
            0.8,
            message,
            SELECTED_ALREADY_ADVICE.format(metric=metric.name) if already else SELECTION_ADVICE,
            evidence,
            series=metric.name,
        ),
    )
