"""The benchmark's torch networks (shared by the SummaryWriter loop, the Trainer and Lightning).

Tabular inputs are float rows; token inputs are int64 sequences. A CNN or RNN on a tabular row
reads the 64 digits pixels as an 8x8 image / 8 rows of 8, any other row as a 1-channel signal.
"""

from __future__ import annotations

import torch
from torch import nn

from tools.benchmark_runs.spec import Arch
from tools.tiny_data import Data
from tools.tiny_training import ModelSpec, TinyTransformer

ACTIVATIONS: dict[str, type[nn.Module]] = {"relu": nn.ReLU, "tanh": nn.Tanh, "gelu": nn.GELU}


def _is_tokens(data: Data) -> bool:
    return data.x_train.dtype.kind == "i"


def _vocab(data: Data) -> int:
    return int(max(data.x_train.max(), data.x_eval.max())) + 1


class Dense(nn.Module):
    """Linear model or MLP; LayerNorm after each hidden layer bounds its activations."""

    def __init__(self, arch: Arch, n_in: int, n_out: int) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        width = n_in
        for _ in range(arch.layers if arch.kind != "linear" else 0):
            linear = nn.Linear(width, arch.width)
            if arch.dead:
                nn.init.constant_(linear.bias, -10.0)
            layers += [linear, ACTIVATIONS[arch.activation]()]
            if arch.norm:
                layers.append(nn.LayerNorm(arch.width))
            if arch.dropout:
                layers.append(nn.Dropout(arch.dropout))
            width = arch.width
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, n_out)
        if arch.zero_head:
            nn.init.zeros_(self.head.weight)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(inputs))


class ConvNet(nn.Module):
    """Two convolutions and a global pool: 2-D on 8x8 digits, 1-D on tokens or other rows."""

    def __init__(self, arch: Arch, data: Data, n_out: int) -> None:
        super().__init__()
        self.tokens, w = _is_tokens(data), arch.width
        self.image = not self.tokens and data.n_features == 64
        act = ACTIVATIONS[arch.activation]
        if self.tokens:
            self.embed = nn.Embedding(_vocab(data), w)
        conv = nn.Conv2d if self.image else nn.Conv1d
        first = w if self.tokens else 1
        self.body = nn.Sequential(
            conv(first, w, 3, padding=1), act(), conv(w, w, 3, padding=1), act(),
            nn.Dropout(arch.dropout),
        )  # fmt: skip
        self.head = nn.Linear(w, n_out)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        if self.tokens:
            x = self.embed(inputs).transpose(1, 2)
        elif self.image:
            x = inputs.reshape(-1, 1, 8, 8)
        else:
            x = inputs.unsqueeze(1)
        features = self.body(x)
        return self.head(features.flatten(2).mean(-1))


class Recurrent(nn.Module):
    """LSTM or GRU over tokens (embedded), digits rows or a row's features one by one."""

    def __init__(self, arch: Arch, data: Data, n_out: int) -> None:
        super().__init__()
        self.tokens = _is_tokens(data)
        self.rows = 8 if not self.tokens and data.n_features == 64 else 1
        cell = nn.LSTM if arch.kind == "lstm" else nn.GRU
        n_in = arch.width if self.tokens else self.rows
        if self.tokens:
            self.embed = nn.Embedding(_vocab(data), arch.width)
        self.rnn = cell(n_in, arch.width, arch.layers, batch_first=True)
        self.drop = nn.Dropout(arch.dropout)
        self.head = nn.Linear(arch.width, n_out)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        x = self.embed(inputs) if self.tokens else inputs.reshape(len(inputs), -1, self.rows)
        outputs, _ = self.rnn(x)
        return self.head(self.drop(outputs[:, -1]))


class Seq2Seq(nn.Module):
    """GRU encoder-decoder with teacher forcing: logits for every target position."""

    def __init__(self, arch: Arch, vocab: int) -> None:
        super().__init__()
        self.start = vocab  # an extra token id that starts the decoder input
        self.embed = nn.Embedding(vocab + 1, arch.width)
        self.encoder = nn.GRU(arch.width, arch.width, batch_first=True)
        self.decoder = nn.GRU(arch.width, arch.width, batch_first=True)
        self.head = nn.Linear(arch.width, vocab)

    def forward(self, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        _, state = self.encoder(self.embed(inputs))
        start = torch.full_like(targets[:, :1], self.start)
        decoder_in = torch.cat([start, targets[:, :-1]], dim=1)
        outputs, _ = self.decoder(self.embed(decoder_in), state)
        return self.head(outputs)


def build(arch: Arch, data: Data) -> nn.Module:
    """The torch network of ``arch`` for ``data`` (one output for a regression)."""
    n_out = data.n_classes or 1
    if arch.kind == "seq2seq":
        return Seq2Seq(arch, data.n_classes)
    if arch.kind == "transformer":
        spec = ModelSpec(kind="transformer", width=arch.width, layers=arch.layers,
                         heads=2, dropout=arch.dropout)  # fmt: skip
        return TinyTransformer(spec, _vocab(data), data.n_features, n_out)
    if arch.kind == "cnn":
        return ConvNet(arch, data, n_out)
    if arch.kind in ("lstm", "gru"):
        return Recurrent(arch, data, n_out)
    return Dense(arch, data.n_features, n_out)


def forward(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Logits: a seq2seq model also reads the targets (teacher forcing)."""
    return model(inputs, targets) if isinstance(model, Seq2Seq) else model(inputs)


def loss_of(outputs: torch.Tensor, targets: torch.Tensor, task: str) -> torch.Tensor:
    """Cross-entropy (per token for sequences) or MSE for a regression."""
    outputs = outputs.float()
    if task == "regression":
        return nn.functional.mse_loss(outputs.squeeze(-1), targets)
    return nn.functional.cross_entropy(outputs.reshape(-1, outputs.shape[-1]), targets.reshape(-1))


def accuracy_of(outputs: torch.Tensor, targets: torch.Tensor, task: str) -> float:
    """Share of right argmax predictions (per token for sequences); NaN for a regression."""
    if task == "regression":
        return float("nan")
    return float((outputs.argmax(-1) == targets).float().mean())
