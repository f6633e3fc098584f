"""What one benchmark run is: its label, the mechanism that induces it and every training knob."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.tiny_data import DataSpec

TENSORBOARD, TRAINER, KERAS_CSV, KERAS_TB, LIGHTNING = (
    "tensorboard",
    "trainer_state",
    "keras_csv",
    "keras_tensorboard",
    "lightning_csv",
)
FORMATS = (TENSORBOARD, TRAINER, KERAS_CSV, KERAS_TB, LIGHTNING)
SHORT_FORMAT = {
    TENSORBOARD: "tb",
    TRAINER: "hf",
    KERAS_CSV: "kcsv",
    KERAS_TB: "ktb",
    LIGHTNING: "pl",
}


@dataclass(frozen=True)
class Arch:
    """The network. ``kind``: ``linear``, ``mlp``, ``cnn``, ``lstm``, ``gru``, ``transformer``
    (pre-LN-free torch encoder, LayerNorm inside), ``seq2seq`` (GRU encoder-decoder).
    ``norm`` adds LayerNorm after each hidden layer (bounded activations with ``tanh``);
    ``dead`` starts hidden biases at -10 (dead ReLUs); ``zero_head`` starts the output at 0."""

    kind: str = "mlp"
    width: int = 64
    layers: int = 1
    dropout: float = 0.0
    activation: str = "relu"
    norm: bool = False
    dead: bool = False
    zero_head: bool = False


@dataclass(frozen=True)
class Train:
    """How the model is trained and logged.

    ``log_every``/``eval_every`` are optimizer steps (0: once per epoch); Keras always logs per
    epoch. ``schedule``: ``constant``, ``step`` (÷10 at 50 % and 75 %), ``cosine``, ``linear``,
    ``warmup_linear``/``warmup_cosine`` (10 % warm-up) or ``plateau`` (ReduceLROnPlateau on
    the eval loss). ``clip`` 0 disables clipping (None: the library's default).
    ``average`` logs the mean over the window (else the last batch's loss, as Lightning does).
    """

    optimizer: str = "adam"
    lr: float = 1e-3
    momentum: float = 0.0
    weight_decay: float = 0.0
    schedule: str = "constant"
    epochs: int = 10
    max_steps: int | None = None
    batch_size: int = 32
    log_every: int = 10
    eval_every: int = 0
    clip: float | None = None
    evaluate: bool = True
    tb_logs: bool = False
    on_epoch: bool = False
    tag_style: str = "slash"

    @property
    def optimizer_label(self) -> str:
        """``sgd``, ``sgd_momentum``, ``adam`` or ``adamw``."""
        return "sgd_momentum" if self.optimizer == "sgd" and self.momentum else self.optimizer


@dataclass(frozen=True)
class BenchRun:
    """One labelled run: where it goes, what it should show and how that is induced."""

    name: str
    split: str
    verdict: str
    fmt: str
    mechanism: str
    data: DataSpec
    arch: Arch = field(default_factory=Arch)
    train: Train = field(default_factory=Train)
    seed: int = 0
    secondary: str = ""
    notes: str = ""
    check: str = ""  # which check variant confirms the verdict ("" = the verdict's default)

    @property
    def cadence(self) -> str:
        """How often the log is written, in words a rule could over-fit to."""
        if self.fmt in (KERAS_CSV, KERAS_TB):
            return "per_epoch"
        train = self.train
        if self.fmt == LIGHTNING:
            steps = "every_step" if train.log_every == 1 else f"every_{train.log_every}_steps"
        elif train.log_every == 1:
            steps = "every_step"
        else:
            steps = f"avg_{train.log_every}"
        evals = "eval_per_epoch" if not train.eval_every else f"eval_{train.eval_every}"
        return f"{steps}+{evals}" if train.evaluate else f"{steps}+no_eval"
