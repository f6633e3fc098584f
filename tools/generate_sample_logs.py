"""Generate ``sample_logs/``: the real training logs ``make demo`` analyses.

One run per log format and layout curvelint reads, written by the real libraries from tiny
randomly initialised models trained on the CPU: torch ``SummaryWriter`` event files, a
``transformers.Trainer`` output directory (``trainer_state.json`` at the root and in
``checkpoint-N/``, plus its TensorBoard ``runs/<date>_<host>/``), Keras 3 ``CSVLogger`` files
and the Keras ``TensorBoard`` callback's ``train/`` + ``validation/`` layout. The runs show a
healthy curve, overfitting, NaN divergence and more; each is checked after training, and
``sample_logs/README.md`` is rewritten with one line per run.

Usage (from the repository root, with the generation virtualenv)::

    .venv-gen/bin/python -m tools.generate_sample_logs [--jobs 2] [--only RUN ...]
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from tools.generation import Outcome, generate, parse_args, recipe, setup_logging, summary_table
from tools.tiny_data import DataSpec
from tools.tiny_training import KERAS_CSV, KERAS_TB, TENSORBOARD, TRAINER, ModelSpec, Recipe

log = logging.getLogger("generate")
DEFAULT_OUT = "sample_logs"
SIZE_LIMIT = 2 * 1024 * 1024
WRITERS = {
    TENSORBOARD: "PyTorch `torch.utils.tensorboard.SummaryWriter` (one event file)",
    KERAS_CSV: "Keras 3 `keras.callbacks.CSVLogger` (`training.log`)",
    KERAS_TB: "Keras 3 `keras.callbacks.TensorBoard` (`train/` + `validation/` TF2 tensor scalars)",
}

# fmt: off
RECIPES: list[Recipe] = [
    recipe(
        "torch_digits_healthy", "healthy", TENSORBOARD,
        "a 64-unit MLP on scikit-learn's digits, Adam 3e-3 with step decay (÷10 at 50 % and 75 %)",
        DataSpec("digits"),
        ModelSpec(hidden=(64,)),
        "train/eval loss fall fast and flatten close together; accuracy 98 %; "
        "train/learning_rate shows the two steps",
        optimizer="adam", lr=3e-3, epochs=30, schedule="step", log_every=10, eval_every=20,
        log_lr=True,
    ),
    recipe(
        "torch_regression_nan", "diverged", TENSORBOARD,
        "an MSE regression MLP with SGD lr 0.3 + momentum 0.9 (far too high)",
        DataSpec("regression"),
        ModelSpec(hidden=(32,)),
        "Loss/train bounces, climbs by orders of magnitude around step 30, hits inf, then NaN; "
        "Loss/val jumps to ~64, then is NaN",
        optimizer="sgd", lr=0.3, momentum=0.9, epochs=10, log_every=1, eval_every=10,
        tag_style="tutorial",
    ),
    recipe(
        "hf_bert_overfitting", "overfitting", TRAINER,
        "a 2-layer BERT (hidden 32) trained for 100 epochs on only 64 synthetic token sequences",
        DataSpec("tokens", n_train=64, n_classes=2, n_samples=800),
        ModelSpec(kind="bert"),
        "train loss → 0 while eval_loss climbs from the first evaluation (0.68 → 1.6); "
        "checkpoint-N/ keep only trainer_state.json",
        optimizer="adam", lr=1e-3, epochs=100, batch_size=16, log_every=10, eval_every=20,
        schedule="constant", keep_checkpoints=2, trainer_tensorboard=True,
    ),
    recipe(
        "hf_bert_stuck", "stuck", TRAINER,
        "a 2-layer BERT classifier with a constant Adam lr of 1e-2, far too high for a transformer",
        DataSpec("tokens", n_classes=2, n_samples=1200),
        ModelSpec(kind="bert"),
        "loss and eval_loss sit at ln 2 ≈ 0.69 from start to end, eval_accuracy ≈ 50 %",
        optimizer="adam", lr=1e-2, epochs=5, batch_size=16, log_every=10, eval_every=40,
        keep_checkpoints=1,
    ),
    recipe(
        "hf_regression_nan", "diverged", TRAINER,
        "an MSE regression MLP, SGD lr 1 + momentum 0.9 with gradient clipping off",
        DataSpec("regression"),
        ModelSpec(hidden=(32,)),
        'logging_nan_inf_filter at work: "loss": 0.0 beside "grad_norm": NaN, eval_loss NaN',
        optimizer="sgd", lr=1.0, momentum=0.9, clip=0, epochs=10, log_every=3, eval_every=15,
        trainer_tensorboard=True,
    ),
    recipe(
        "keras_csv_iris_healthy", "healthy", KERAS_CSV,
        "a 16-unit MLP on iris, Adam 1e-2 with a LearningRateScheduler step decay",
        DataSpec("iris"),
        ModelSpec(hidden=(16,)),
        "loss and val_loss fall and flatten; the learning_rate column steps down twice",
        optimizer="adam", lr=1e-2, epochs=80, batch_size=16, schedule="step",
    ),
    recipe(
        "keras_csv_blobs_underfitting", "underfitting", KERAS_CSV,
        "a linear softmax model on 3 classes that are made of 2 clusters each (too simple)",
        DataSpec("blobs", n_classes=3, n_samples=1500),
        ModelSpec(hidden=()),
        "loss and val_loss drop from 1.2 to ~0.91 in two epochs and stay there side by side "
        "(ln 3 = 1.10); accuracy ~56 %",
        optimizer="adam", lr=1e-2, epochs=30, batch_size=32,
    ),
    recipe(
        "keras_tb_digits_overfitting", "overfitting", KERAS_TB,
        "a 2x256 MLP on 300 digits whose training labels are 30 % noise",
        DataSpec("digits", label_noise=0.3, n_train=300),
        ModelSpec(hidden=(256, 256)),
        "train/epoch_loss → 0 while validation/epoch_loss bottoms out early and rises",
        optimizer="adam", lr=1e-3, epochs=100, batch_size=32,
    ),
]
# fmt: on


def written_by(run: Recipe) -> str:
    """Which library wrote a run, and which of its files are there."""
    if run.fmt != TRAINER:
        return WRITERS[run.fmt]
    files = ["`trainer_state.json`"]
    if run.fit.keep_checkpoints:
        files.append("`checkpoint-N/trainer_state.json`")
    if run.fit.trainer_tensorboard:
        files.append("TensorBoard `runs/<date>_<host>/`")
    return f"`transformers.Trainer` ({', '.join(files)})"


def readme(outcomes: Sequence[Outcome]) -> str:
    """``sample_logs/README.md``: one line per run, then how the files were made."""
    lines = [
        "# Sample logs",
        "",
        "Real training logs for `make demo`, written by the real libraries while training tiny",
        "randomly initialised models on the CPU (scikit-learn's bundled data sets or synthetic",
        "data). Generated by `tools/generate_sample_logs.py`; every run was checked to show the",
        "curve described. Logs only: model weights and optimizer state were deleted.",
        "",
        "Each line: **run** (what it should be judged) — what it is; written by; what you see.",
        "",
    ]
    for outcome in outcomes:
        r = outcome.recipe
        lines.append(
            f"- **{r.name}/** (`{r.verdict}`) — {r.mechanism}; written by {written_by(r)}; "
            f"{r.notes}."
        )
    lines += [
        "",
        "Regenerate (from the repository root):",
        "",
        "```sh",
        "python3 -m venv .venv-gen",
        ".venv-gen/bin/pip install torch==2.13.0",
        ".venv-gen/bin/pip install -r tools/requirements-generate.txt",
        ".venv-gen/bin/python -m tools.generate_sample_logs",
        "```",
        "",
        "Event file names and the Trainer's `runs/<date>_<host>/` folder carry the time and host",
        "of generation, and `trainer_state.json` records run times; the curves themselves are",
        "seeded and repeat exactly on the same library versions.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    """Generate, check and describe the sample logs; exit 1 when a run is not as described."""
    setup_logging()
    args = parse_args(__doc__.splitlines()[0], DEFAULT_OUT)
    outcomes = generate(RECIPES, args.out, args)
    (args.out / "README.md").write_text(readme(outcomes))
    print(summary_table(outcomes))  # noqa: T201
    total = sum(o.size for o in outcomes)
    log.info("sample_logs: %.0f KB in all (limit %d KB)", total / 1024, SIZE_LIMIT // 1024)
    failed = [o.recipe.name for o in outcomes if not o.ok]
    if failed:
        log.error("run(s) not showing their verdict: %s", ", ".join(failed))
    if total > SIZE_LIMIT:
        log.error("sample_logs is larger than %d bytes", SIZE_LIMIT)
    return 1 if failed or total > SIZE_LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
