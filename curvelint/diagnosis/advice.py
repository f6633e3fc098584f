"""The recommendations (the generic text; :mod:`curvelint.diagnosis.tailoring` puts them in
the run's own terms), drawn from the Hugging Face course chapters "Debugging the training
pipeline" and "Understanding learning curves", in one place so every finding gives the same
advice in the same words.
"""

from __future__ import annotations

LEARNING_RATE_TRANSFORMERS = (
    "for a transformer, a learning rate between 1e-5 and 5e-5 (1e-4 at most) usually works; "
    "Adam's default 1e-3 is too high"
)
OVERFIT_ONE_BATCH = (
    "overfit a single batch first: if the loss does not fall to near zero on it, the problem "
    "is the model or the data, not the hyperparameters"
)
CHECK_LABELS = "check num_labels against the label range (labels 0..2 need num_labels=3)"
RANDOM_GUESS = "compare the first loss with what a random guess gives (ln C for C classes)"

DIVERGED = (
    "Lower the learning rate (" + LEARNING_RATE_TRANSFORMERS + "), add gradient clipping "
    "(max_grad_norm=1.0 / clipnorm=1.0) and a warm-up; a NaN from the first steps is usually "
    "data: " + CHECK_LABELS + "."
)
RUNAWAY_BELOW_ZERO = (
    "Check the loss's sign (minimise the error, not its negative) and give it a floor: clamp a "
    "learned log-variance from below, bound any term that can pay without limit; then lower "
    "the learning rate if it still runs away."
)
STUCK = (
    "Check the learning rate ("
    + LEARNING_RATE_TRANSFORMERS
    + "); "
    + OVERFIT_ONE_BATCH
    + "; make sure the labels match the inputs."
)
UNSTABLE = (
    "Lower the learning rate, increase the batch size for steadier gradients, add gradient "
    "clipping, and check the data preprocessing for inconsistent samples."
)
OVERFITTING = (
    "Stop at the best checkpoint (early stopping: EarlyStoppingCallback(early_stopping_patience=3)"
    " with load_best_model_at_end=True, or Keras EarlyStopping(patience=3, "
    "restore_best_weights=True)); add regularisation (dropout, weight decay), augment the "
    "data, or use a smaller model."
)
UNDERFITTING = (
    "Use a larger model, train longer, adjust the learning rate, and check the data "
    "(correct preprocessing, labels that match the inputs)."
)
NOT_CONVERGED = (
    "Train longer (more epochs or max_steps): the loss is still falling; keep an eye on the "
    "eval loss for the point where it stops improving."
)
HEALTHY = "Nothing to fix; compare a few runs varying one hyperparameter before tuning further."
INSUFFICIENT_DATA = (
    "Log more often (a smaller logging_steps / eval_steps, or per-epoch validation) and "
    "train for longer before judging the run."
)

LOSS_SPIKE = (
    "Add gradient clipping (max_grad_norm=1.0 / clipnorm=1.0), a learning-rate warm-up, or a "
    "lower learning rate; check the batch at the spike for bad samples."
)
NAN_GRAD_NORM = (
    "A lone non-finite gradient norm is usually a mixed-precision overflow whose step the loss "
    "scaler skipped; if it repeats, use bf16 or a lower learning rate with gradient clipping."
)
EXPLODING_GRAD_NORM = (
    "Clip gradients (max_grad_norm=1.0 / clipnorm=1.0) and lower the learning rate before the "
    "loss follows."
)
EVAL_BETTER = (
    "Usually dropout or other regularisation active only in training, or the training loss "
    "averaged over an epoch while eval is measured at its end; if the gap is large, check for "
    "eval samples leaking from the training set."
)
EARLY_STOPPING = (
    "Use early stopping with load_best_model_at_end=True (or Keras "
    "restore_best_weights=True) to keep the best checkpoint and save the remaining steps."
)
INITIAL_LOSS = (
    RANDOM_GUESS.capitalize() + ": a first loss far above it means a bug in the loss or the "
    "labels — " + CHECK_LABELS + "; far below it, check for a resumed model or leaked labels."
)
NO_WARMUP = (
    "Add a learning-rate warm-up (warmup_ratio=0.06 or warmup_steps) so the first updates are "
    "small."
)
NEVER_DECAYED = (
    "Decay the learning rate (linear or cosine schedule, or ReduceLROnPlateau) so the loss can "
    "settle lower."
)
PLATEAU_AFTER_DROP = (
    "The learning rate may have dropped too early or too far: drop it later, by a smaller "
    "factor, or use a smooth (cosine) schedule."
)
FROZEN_ACCURACY = (
    "The model predicts one class: check the class balance (oversample rare classes), the "
    "learning rate, and that the labels reach the loss. " + OVERFIT_ONE_BATCH.capitalize() + "."
)
KNOCKED_TO_ONE_CLASS = (
    "Lower the learning rate and add gradient clipping: the updates undid what the model had "
    "learned. Keep the checkpoint from before the accuracy fell."
)
TRAIN_AT_CEILING = (
    "Nothing to fix on its own: judge generalisation by the eval curves, and if the eval loss "
    "turns up, regularise (dropout, weight decay, data augmentation) or stop earlier."
)
ACCURACY_SETTLED = (
    "Nothing to fix: the predictions no longer change. On a small eval set one example moves "
    "the accuracy by a visible step, so watch the eval loss, which still moves."
)
EVAL_AT_CEILING = (
    "Check that no evaluation example is also a training example (deduplicate before "
    "splitting), that the labels are not derivable from the inputs, and that the eval set is "
    "large and hard enough to tell models apart."
)
ZERO_LOSS = (
    "A loss of exactly 0 is not learning: check for labels leaking into the inputs, a loss "
    "computed on nothing (all labels masked), or a diverged Trainer run whose NaN losses were "
    "replaced (logging_nan_inf_filter)."
)
CONSTANT_LOSS = (
    "A loss that repeats exactly is not being recomputed: check that the optimizer steps, that "
    "gradients reach the parameters, and that the logged value is not a stale constant."
)
SPARSE_EVAL = (
    "Evaluate more often (eval_strategy='steps' with a smaller eval_steps, or validation every "
    "epoch) so overfitting shows when it starts."
)
TRAIN_EVAL_GAP = (
    "The model fits the training set far better than the eval set: add regularisation "
    "(dropout, weight decay), more or augmented data, or a smaller model."
)
