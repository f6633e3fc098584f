"""Templates (a mechanism over several architectures and data sets) and their expansion into runs.

A template builds the training knobs of one mechanism for any format; :func:`expand` spreads a
verdict's templates over the five formats and the split's (architecture, data) variants,
round-robin, and gives each run its own seed and a logging cadence drawn from that seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from tools.benchmark_runs.data import load
from tools.benchmark_runs.spec import (
    FORMATS,
    KERAS_CSV,
    KERAS_TB,
    LIGHTNING,
    SHORT_FORMAT,
    TENSORBOARD,
    TRAINER,
    Arch,
    BenchRun,
    Train,
)
from tools.benchmark_runs.split import FIRST_SEED, RECIPES
from tools.tiny_data import DataSpec

KERAS_KINDS = ("linear", "mlp", "cnn", "lstm", "gru")
KERAS_MIN_EPOCHS = 20
Variant = tuple[Arch, DataSpec]
Builder = Callable[[str, Arch, DataSpec, int], Train]


@dataclass(frozen=True)
class Template:
    """One mechanism: its words, where it applies, and the knobs it sets for a format."""

    key: str
    verdict: str
    mechanism: str
    variants: dict[str, list[Variant]]
    build: Builder
    formats: Sequence[str] = FORMATS
    secondary: str = ""
    check: str = ""
    notes: str = ""
    damage: dict[str, object] = field(default_factory=dict)


def supported(fmt: str, arch: Arch) -> bool:
    """Keras runs only get the layers Keras has here; BERT is a Trainer model."""
    if fmt in (KERAS_CSV, KERAS_TB):
        return arch.kind in KERAS_KINDS
    if arch.kind == "bert":
        return fmt == TRAINER
    return True


def cadence(train: Train, fmt: str, seed: int) -> Train:
    """Vary how often the log is written (per format, chosen by the seed)."""
    pick = seed % 12
    if fmt == TENSORBOARD:
        return replace(
            train,
            log_every=(1, 5, 10, 20)[pick % 4],
            eval_every=(0, 0, 25, 100)[pick // 4 % 4 if pick // 4 < 3 else 3],
            tag_style=("slash", "tutorial", "flat")[pick % 3],
        )
    if fmt == TRAINER:
        return replace(
            train,
            log_every=(5, 10, 20)[pick % 3],
            eval_every=(0, 25, 50, 100)[pick // 3 % 4],
            tb_logs=pick % 4 == 0,
        )
    if fmt == LIGHTNING:
        return replace(train, log_every=(1, 5, 10)[pick % 3], on_epoch=pick % 2 == 1)
    return train


def enough_points(train: Train, data: DataSpec, seed: int) -> Train:
    """At least ~15 logged train points and ~8 evaluations, whatever the data set's size."""
    n_train = len(load(data, seed).x_train)
    total = train.max_steps or train.epochs * math.ceil(n_train / train.batch_size)
    log_every = max(1, min(train.log_every, total // 15))
    eval_every = train.eval_every
    if (eval_every and total // eval_every < 8) or (not eval_every and train.epochs < 8):
        eval_every = max(1, total // 8)
    return replace(train, log_every=log_every, eval_every=eval_every)


def _interleave(groups: list[list[Variant | tuple]]) -> list:
    out: list = []
    for i in range(max((len(g) for g in groups), default=0)):
        out += [g[i] for g in groups if i < len(g)]
    return out


def expand(templates: Sequence[Template], split: str, count: int, offset: int) -> list[BenchRun]:
    """``count`` runs of the templates in ``split``, spread over formats, templates, variants."""
    per_format = []
    for fmt in FORMATS:
        per_template = [
            [(t, fmt, v) for v in t.variants.get(RECIPES[split], []) if supported(fmt, v[0])]
            for t in templates
            if fmt in t.formats
        ]
        per_format.append(_interleave(per_template))
    combos = _interleave(per_format)
    runs = []
    for index, (template, fmt, (arch, data)) in enumerate(combos[:count]):
        seed = FIRST_SEED[split] + offset + index
        runs.append(make_run(template, split, fmt, arch, data, seed))
    return runs


def make_run(
    template: Template, split: str, fmt: str, arch: Arch, data: DataSpec, seed: int
) -> BenchRun:
    """The run of ``template`` for one format, variant and seed."""
    train = template.build(fmt, arch, data, seed)
    if keras(fmt) and template.verdict not in ("diverged", "insufficient_data"):
        train = replace(train, epochs=max(train.epochs, KERAS_MIN_EPOCHS))  # ≥ 20 logged rows
    if not template.key.startswith("few_"):
        train = enough_points(cadence(train, fmt, seed), data, seed)
    data_name = data.name.replace("_", "")
    name = f"{template.verdict}-{SHORT_FORMAT[fmt]}-{template.key}-{arch.kind}-{data_name}-s{seed}"
    return BenchRun(
        name=name,
        split=split,
        verdict=template.verdict,
        fmt=fmt,
        mechanism=template.mechanism,
        data=data,
        arch=arch,
        train=train,
        seed=seed,
        secondary=template.secondary,
        notes=template.notes,
        check=template.check,
    )


def keras(fmt: str) -> bool:
    """True for the two Keras formats (which count epochs, not steps)."""
    return fmt in (KERAS_CSV, KERAS_TB)


# Shared architectures and data sets, so family tables read briefly.
MLP = Arch("mlp", 64)
MLP2 = Arch("mlp", 128, layers=2)
BIG = Arch("mlp", 256, layers=2)
LINEAR = Arch("linear")
CNN = Arch("cnn", 16)
LSTM = Arch("lstm", 32)
GRU = Arch("gru", 32)
TRANSFORMER = Arch("transformer", 32, layers=2)
SEQ2SEQ = Arch("seq2seq", 48)
BERT = Arch("bert", 32, layers=2)
TANH_NORM = Arch("mlp", 64, layers=2, activation="tanh", norm=True)

DIGITS, IRIS, CANCER = DataSpec("digits"), DataSpec("iris"), DataSpec("breast_cancer")
MOONS, BLOBS = DataSpec("moons"), DataSpec("blobs", n_classes=3, n_samples=1500)
BLOBS4 = DataSpec("blobs", n_classes=4, n_samples=1500)
REGRESSION, TOKENS = DataSpec("regression"), DataSpec("tokens", n_classes=3)
EASY_TOKENS = DataSpec("tokens", n_classes=3, n_samples=1600, signal=0.6)
HARD = DataSpec("hard_blobs", n_classes=2, n_samples=1600)
WINE, CIRCLES, FRIEDMAN = DataSpec("wine"), DataSpec("circles"), DataSpec("friedman")
REVERSE = DataSpec("reverse", vocab=12, seq_len=8, n_samples=1200)
