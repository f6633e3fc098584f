"""Extra runs that fill the verdict x format cells the round-robin left thin or empty.

They come from the same templates, with explicit formats, variants and seeds (dev 400+,
test 1400+, holdout 2400+: outside the round-robin's ranges, so adding one never renames another
run). The holdout split gets the test split's extras (its recipes), with its own seeds.
"""

from __future__ import annotations

from tools.benchmark_runs.families import (
    diverged,
    healthy,
    not_converged,
    overfitting,
    stuck,
    underfitting,
    unstable,
)
from tools.benchmark_runs.families.common import (
    BLOBS,
    CNN,
    DIGITS,
    FRIEDMAN,
    GRU,
    LINEAR,
    MLP,
    REGRESSION,
    REVERSE,
    SEQ2SEQ,
    TOKENS,
    TRANSFORMER,
    WINE,
    Template,
    make_run,
)
from tools.benchmark_runs.spec import (
    KERAS_CSV,
    KERAS_TB,
    LIGHTNING,
    TENSORBOARD,
    TRAINER,
    Arch,
    BenchRun,
)
from tools.benchmark_runs.split import RECIPES, SPLITS
from tools.tiny_data import DataSpec

FIRST_EXTRA_SEED = {
    "dev": 400, "test": 1400, "holdout": 2400, "holdout2": 3400, "holdout3": 4400, "holdout4": 5400,
    "holdout5": 6400, "holdout6": 7400, "holdout7": 8400, "holdout8": 9400,
    "holdout9": 10400, "holdout10": 11400,
}  # fmt: skip
DEEP = Arch("mlp", 32, layers=3)
DROPOUT = Arch("mlp", 128, layers=2, dropout=0.5)


def _template(family: object, key: str) -> Template:
    return next(t for t in family.TEMPLATES if t.key == key)  # type: ignore[attr-defined]


# (split, family, template key, format, architecture, data)
WANTED = [
    ("test", underfitting, "one-hidden-unit", LIGHTNING, Arch("mlp", 1), DataSpec("circles")),
    ("test", underfitting, "strong-weight-decay", LIGHTNING, MLP, FRIEDMAN),
    ("test", underfitting, "tiny-rnn", LIGHTNING, Arch("gru", 1), TOKENS),
    ("test", underfitting, "linear-on-clusters", LIGHTNING, Arch("linear"), BLOBS),
    ("test", not_converged, "sgd-low-lr", LIGHTNING, MLP, FRIEDMAN),
    ("test", not_converged, "adam-3e-5", LIGHTNING, CNN, DIGITS),
    ("test", not_converged, "stopped-early", LIGHTNING, SEQ2SEQ, REVERSE),
    ("test", not_converged, "sgd-low-lr", KERAS_TB, MLP, FRIEDMAN),
    ("test", not_converged, "adam-3e-5", KERAS_TB, CNN, DIGITS),
    ("test", unstable, "sgd-momentum-regression", KERAS_TB, MLP, FRIEDMAN),
    ("test", unstable, "batch2-label-noise", TRAINER, MLP,
     DataSpec("circles", label_noise=0.2, n_samples=300)),
    ("dev", not_converged, "adam-3e-5", LIGHTNING, MLP, DIGITS),
    ("dev", not_converged, "sgd-low-lr", LIGHTNING, MLP, REGRESSION),
    ("dev", not_converged, "stopped-early", LIGHTNING, TRANSFORMER, TOKENS),
    ("dev", unstable, "sgd-momentum-regression", KERAS_CSV, MLP, REGRESSION),
    ("dev", unstable, "sgd-momentum-regression", KERAS_TB, MLP, REGRESSION),
    ("dev", overfitting, "train-label-noise", KERAS_TB, Arch("mlp", 256, layers=2),
     DataSpec("moons", label_noise=0.3, n_samples=400)),
    # Mechanisms the test split's round-robin did not reach (appended: earlier seeds unchanged).
    ("test", stuck, "collapse-after-blowup", TENSORBOARD, DEEP, DIGITS),
    ("test", stuck, "collapse-after-blowup", TRAINER, CNN, DIGITS),
    ("test", stuck, "collapse-after-blowup", KERAS_CSV, DEEP, BLOBS),
    ("test", stuck, "collapse-after-blowup", KERAS_TB, DEEP, WINE),
    ("test", stuck, "collapse-after-blowup", LIGHTNING, TRANSFORMER, TOKENS),
    ("test", stuck, "collapse-after-blowup", TENSORBOARD, GRU, TOKENS),
    ("test", stuck, "collapse-after-blowup", TRAINER, DEEP, WINE),
    ("test", diverged, "edge-of-stability", TENSORBOARD, LINEAR, FRIEDMAN),
    ("test", diverged, "edge-of-stability", KERAS_CSV, LINEAR, REGRESSION),
    ("test", diverged, "edge-of-stability", TRAINER, LINEAR, REGRESSION),
    ("test", healthy, "dropout-eval-below-train", TENSORBOARD, DROPOUT, WINE),
    ("test", healthy, "dropout-eval-below-train", LIGHTNING, DROPOUT, WINE),
    ("test", healthy, "dropout-eval-below-train", KERAS_CSV, DROPOUT, DIGITS),
    ("test", underfitting, "strong-weight-decay", TENSORBOARD, MLP, DIGITS),
    ("test", underfitting, "strong-weight-decay", TRAINER, MLP, DIGITS),
    ("test", unstable, "30x-lr-no-clip", LIGHTNING, GRU, TOKENS),
    ("test", unstable, "30x-lr-no-clip", TRAINER, CNN, DataSpec("digits", label_noise=0.2)),
]  # fmt: skip


def runs() -> list[BenchRun]:
    """The extra runs of every split made of each recipe, each with its own seed."""
    out = []
    for split in SPLITS:
        for index, (recipe, family, key, fmt, arch, data) in enumerate(WANTED):
            if RECIPES[split] == recipe:
                seed = FIRST_EXTRA_SEED[split] + index
                out.append(make_run(_template(family, key), split, fmt, arch, data, seed))
    return out
