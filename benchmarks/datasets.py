"""Deterministic benchmark inputs, written with the real writers into ``benchmarks/data/``.

Generated once per size (the full set takes a minute or two, mostly in the writers) and reused
until ``--regenerate``: a ``.complete`` marker holding the generation parameters is written
last, so an interrupted or outdated dataset is rebuilt instead of being measured half-written.

* ``scalars_simple``: one run, N scalar events over 10 tags, written by torch's
  ``SummaryWriter.add_scalar`` (``simple_value``), one value per event as torch writes them.
* ``scalars_tensor``: the same points as TF2/Keras writes them: a float32 ``tensor_content``
  tensor with the ``scalars`` plugin metadata on every value (checked against real Keras files),
  through TensorBoard's own ``EventFileWriter``.
* ``sweep``: a hyper-parameter sweep of many runs × 4 tags × S steps with healthy, overfitting,
  NaN, diverging and plateauing curves, so that analysis has every kind of verdict to reach.
* ``long_run``: one run of 10 M points (10 tags × 1 M steps) in one event file, written by
  torch's ``SummaryWriter`` like ``scalars_simple`` (about 4 minutes of CPU: TensorBoard's
  ``EventFileWriter``, which torch writes through, is no faster, since both spend their time
  in the pure-Python CRC of every record), for ``curvelint analyze`` of a single huge run.
* ``trainer_state``: a Hugging Face ``trainer_state.json`` of E ``log_history`` entries in the
  Trainer's shape (``json.dumps(indent=2, sort_keys=True)``, bare ``NaN`` tokens included).
* ``keras_csv``: a Keras ``CSVLogger`` file (``repr`` of float32 values, as Keras writes them).
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

# Bump when a generator's output changes: existing datasets are then rebuilt.
GENERATOR_VERSION = 1
DATA_ROOT = Path(__file__).resolve().parent / "data"
MARKER = ".complete"
BASE_WALL_TIME = 1_700_000_000.0

SCALAR_TAGS: tuple[str, ...] = (
    "train/loss",
    "train/accuracy",
    "train/grad_norm",
    "train/learning_rate",
    "train/throughput",
    "eval/loss",
    "eval/accuracy",
    "eval/perplexity",
    "system/gpu_memory_gb",
    "system/step_time_s",
)
SWEEP_TAGS: tuple[str, ...] = ("train/loss", "eval/loss", "eval/accuracy", "train/lr")
SWEEP_KINDS: tuple[str, ...] = (
    "healthy",
    "healthy",
    "healthy",
    "healthy",
    "healthy",
    "overfit",
    "overfit",
    "nan",
    "diverge",
    "plateau",
)
CSV_COLUMNS: tuple[str, ...] = (
    "epoch",
    "accuracy",
    "loss",
    "val_accuracy",
    "val_loss",
    "learning_rate",
)


@dataclass(frozen=True)
class Sizes:
    """How big each dataset is; ``FULL`` is the issue's specification, ``QUICK`` a smoke test."""

    label: str
    scalar_steps: int  # x len(SCALAR_TAGS) events
    sweep_runs: int
    sweep_steps: int
    trainer_entries: int
    trainer_eval_every: int  # one eval entry after this many training entries
    csv_rows: int

    @property
    def scalar_events(self) -> int:
        """Scalar events in each of the two single-run event files."""
        return self.scalar_steps * len(SCALAR_TAGS)

    @property
    def sweep_events(self) -> int:
        """Scalar events in the whole sweep."""
        return self.sweep_runs * self.sweep_steps * len(SWEEP_TAGS)


FULL = Sizes("full", 100_000, 200, 2_000, 200_000, 10, 1_000_000)
QUICK = Sizes("quick", 2_000, 4, 200, 4_000, 10, 20_000)
# Steps (× len(SCALAR_TAGS) events) of the single huge run, kept out of ``Sizes`` so that
# adding it left the other datasets' markers, and so the data already generated, valid.
LONG_RUN_STEPS = {FULL.label: 1_000_000, QUICK.label: 10_000}


@dataclass(frozen=True)
class Dataset:
    """A generated input: where it is and how many events and bytes it holds."""

    name: str
    path: Path  # the file to read (or the directory, for the sweep)
    events: int  # records in the file(s): tfevents records, log entries, CSV rows
    nbytes: int


def root_for(sizes: Sizes) -> Path:
    """Each size lives in its own folder, so ``--quick`` never clobbers the full data."""
    return DATA_ROOT / sizes.label


# --------------------------------------------------------------------------- curves


def _smooth_noise(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    """Gaussian noise with a little autocorrelation, like a minibatch loss."""
    raw = rng.normal(0.0, scale, n)
    kernel = np.ones(5) / 5.0
    return np.convolve(raw, kernel, mode="same") + rng.normal(0.0, scale / 3, n)


def scalar_curves(steps: int) -> dict[str, np.ndarray]:
    """The 10 series of the single big run: plausible shapes, float32 like every writer keeps."""
    rng = np.random.default_rng(20240601)
    t = np.linspace(0.0, 1.0, steps)
    train_loss = 2.5 * np.exp(-5 * t) + 0.3 + _smooth_noise(rng, steps, 0.05)
    eval_loss = 2.4 * np.exp(-4.5 * t) + 0.35 + 0.15 * t**2 + _smooth_noise(rng, steps, 0.02)
    curves = {
        "train/loss": train_loss,
        "train/accuracy": 1 - 0.9 * np.exp(-5 * t) + _smooth_noise(rng, steps, 0.01),
        "train/grad_norm": rng.lognormal(0.0, 0.4, steps),
        "train/learning_rate": 3e-4 * 0.5 * (1 + np.cos(np.pi * t)),
        "train/throughput": 1200 + rng.normal(0, 25, steps),
        "eval/loss": eval_loss,
        "eval/accuracy": 1 - 0.85 * np.exp(-4.5 * t) + _smooth_noise(rng, steps, 0.005),
        "eval/perplexity": np.exp(eval_loss),
        "system/gpu_memory_gb": 11.5 + rng.normal(0, 0.05, steps),
        "system/step_time_s": 0.12 + np.abs(rng.normal(0, 0.01, steps)),
    }
    return {tag: curves[tag].astype(np.float32) for tag in SCALAR_TAGS}


def _sweep_loss(kind: str, t: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Train and eval loss of one sweep run of the given kind."""
    n = len(t)
    rate = rng.uniform(3.0, 7.0)
    train = rng.uniform(1.8, 3.0) * np.exp(-rate * t) + rng.uniform(0.1, 0.4)
    eval_ = train + 0.05 + _smooth_noise(rng, n, 0.01)
    if kind == "overfit":
        onset = rng.uniform(0.3, 0.6)
        eval_ = eval_ + np.where(t > onset, 1.5 * (t - onset) ** 1.5, 0.0)
        train = train * (1 - 0.6 * t)
    elif kind == "diverge":
        onset = rng.uniform(0.4, 0.8)
        blow = np.where(t > onset, np.expm1(12 * (t - onset)), 0.0)
        train, eval_ = train + blow, eval_ + blow
    elif kind == "plateau":
        train = np.full(n, train[0] * 0.9)
        eval_ = train + 0.05
    train = train + _smooth_noise(rng, n, 0.03)
    if kind == "nan":
        start = int(n * rng.uniform(0.3, 0.9))
        train[start:] = np.nan
        eval_[start:] = np.nan
    return train, eval_


def sweep_curves(index: int, steps: int) -> dict[str, np.ndarray]:
    """The 4 series of sweep run ``index``; its kind cycles through ``SWEEP_KINDS``."""
    kind = SWEEP_KINDS[index % len(SWEEP_KINDS)]
    rng = np.random.default_rng(1000 + index)
    t = np.linspace(0.0, 1.0, steps)
    train, eval_ = _sweep_loss(kind, t, rng)
    with np.errstate(invalid="ignore", over="ignore"):
        accuracy = np.clip(1.0 - 0.3 * eval_, 0.0, 1.0)
    peak_lr = 10 ** rng.uniform(-4.5, -2.5)
    warmup = np.minimum(1.0, t / 0.05 + 1e-3)
    curves = {
        "train/loss": train,
        "eval/loss": eval_,
        "eval/accuracy": accuracy,
        "train/lr": peak_lr * warmup * 0.5 * (1 + np.cos(np.pi * t)),
    }
    return {tag: curves[tag].astype(np.float32) for tag in SWEEP_TAGS}


# --------------------------------------------------------------------------- writers


def _write_with_torch(directory: Path, curves: dict[str, np.ndarray], step_seconds: float) -> None:
    """One event per (step, tag), in step order, exactly as a torch training loop logs them."""
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(directory), max_queue=4096, flush_secs=3600)
    columns = [(tag, values.tolist()) for tag, values in curves.items()]
    steps = len(columns[0][1])
    for step in range(steps):
        wall = BASE_WALL_TIME + step * step_seconds
        for offset, (tag, values) in enumerate(columns):
            writer.add_scalar(tag, values[step], step, walltime=wall + offset * 1e-4)
    writer.close()


def write_scalars_simple(directory: Path, sizes: Sizes) -> None:
    """The big single run with ``simple_value`` scalars (torch's SummaryWriter)."""
    _write_with_torch(directory, scalar_curves(sizes.scalar_steps), step_seconds=0.12)


def write_long_run(directory: Path, sizes: Sizes) -> None:
    """One run of 10 M points in one event file (torch's SummaryWriter)."""
    curves = scalar_curves(LONG_RUN_STEPS[sizes.label])
    _write_with_torch(directory / "long", curves, step_seconds=0.12)


def write_scalars_tensor(directory: Path, sizes: Sizes) -> None:
    """The same points as TF2 tensor scalars, through TensorBoard's EventFileWriter."""
    from tensorboard.compat.proto import (
        event_pb2,
        summary_pb2,
        tensor_pb2,
        tensor_shape_pb2,
        types_pb2,
    )
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    plugin = summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars")
    metadata = summary_pb2.SummaryMetadata(plugin_data=plugin)
    shape = tensor_shape_pb2.TensorShapeProto()
    writer = EventFileWriter(
        str(directory), max_queue_size=4096, flush_secs=3600, filename_suffix=".v2"
    )
    columns = [
        (tag, values.astype("<f4")) for tag, values in scalar_curves(sizes.scalar_steps).items()
    ]
    for step in range(sizes.scalar_steps):
        wall = BASE_WALL_TIME + step * 0.12
        for offset, (tag, values) in enumerate(columns):
            tensor = tensor_pb2.TensorProto(
                dtype=types_pb2.DT_FLOAT, tensor_shape=shape, tensor_content=values[step].tobytes()
            )
            value = summary_pb2.Summary.Value(tag=tag, metadata=metadata, tensor=tensor)
            summary = summary_pb2.Summary(value=[value])
            event = event_pb2.Event(wall_time=wall + offset * 1e-4, step=step, summary=summary)
            writer.add_event(event)
    writer.close()


def write_sweep_runs(directory: Path, sizes: Sizes, first: int, stop: int) -> None:
    """Sweep runs ``first``…``stop - 1``, one torch SummaryWriter per run directory."""
    for index in range(first, stop):
        run_dir = directory / f"run-{index:03d}"
        _write_with_torch(run_dir, sweep_curves(index, sizes.sweep_steps), step_seconds=0.5)


def _trainer_entries(sizes: Sizes) -> list[dict[str, Any]]:
    """``log_history`` in the Trainer's shape: training logs, an eval entry every few, a summary."""
    rng = np.random.default_rng(7)
    logging_steps, steps_per_epoch = 10, 5_000
    history: list[dict[str, Any]] = []
    train_logs = 0
    total = sizes.trainer_entries - 1  # the closing summary entry is the last one
    max_step = logging_steps * (total - total // (sizes.trainer_eval_every + 1))
    while len(history) < total:
        train_logs += 1
        step = train_logs * logging_steps
        t = step / max_step
        grad_norm = float(rng.lognormal(0.0, 0.4)) if rng.random() > 0.001 else math.nan
        history.append(
            {
                "epoch": step / steps_per_epoch,
                "grad_norm": grad_norm,
                "learning_rate": 5e-5 * (1 - t),
                "loss": round(2.5 * math.exp(-5 * t) + 0.3 + float(rng.normal(0, 0.05)), 4),
                "step": step,
            }
        )
        if train_logs % sizes.trainer_eval_every == 0 and len(history) < total:
            eval_loss = 2.4 * math.exp(-4.5 * t) + 0.35 + float(rng.normal(0, 0.01))
            history.append(
                {
                    "epoch": step / steps_per_epoch,
                    "eval_accuracy": 1 - eval_loss / 3,
                    "eval_loss": eval_loss,
                    "eval_runtime": float(rng.uniform(20, 25)),
                    "eval_samples_per_second": float(rng.uniform(400, 450)),
                    "eval_steps_per_second": float(rng.uniform(50, 56)),
                    "step": step,
                }
            )
    last = history[-1]["step"]
    history.append(
        {
            "epoch": last / steps_per_epoch,
            "step": last,
            "total_flos": 1.2e18,
            "train_loss": 0.61,
            "train_runtime": 86400.5,
            "train_samples_per_second": 120.5,
            "train_steps_per_second": 3.76,
        }
    )
    return history


def write_trainer_state(directory: Path, sizes: Sizes) -> None:
    """A ``trainer_state.json`` written as ``TrainerState.save_to_json`` writes it."""
    history = _trainer_entries(sizes)
    last = history[-1]["step"]
    state = {
        "best_global_step": None,
        "best_metric": None,
        "best_model_checkpoint": None,
        "epoch": history[-1]["epoch"],
        "eval_steps": 10 * sizes.trainer_eval_every,
        "global_step": last,
        "is_hyper_param_search": False,
        "is_local_process_zero": True,
        "is_world_process_zero": True,
        "log_history": history,
        "logging_steps": 10,
        "max_steps": last,
        "num_input_tokens_seen": 0,
        "num_train_epochs": math.ceil(history[-1]["epoch"]),
        "save_steps": 500,
        "stateful_callbacks": {
            "TrainerControl": {
                "args": {"should_epoch_stop": False, "should_training_stop": True},
                "attributes": {},
            }
        },
        "total_flos": 1.2e18,
        "train_batch_size": 32,
        "trial_name": None,
        "trial_params": None,
    }
    text = json.dumps(state, indent=2, sort_keys=True) + "\n"
    (directory / "trainer_state.json").write_text(text, encoding="utf-8")


def write_keras_csv(directory: Path, sizes: Sizes) -> None:
    """A Keras ``CSVLogger`` log: float32 metrics printed with Python's ``repr``."""
    rows = sizes.csv_rows
    rng = np.random.default_rng(11)
    t = np.linspace(0.0, 1.0, rows)
    loss = 2.2 * np.exp(-4 * t) + 0.2 + _smooth_noise(rng, rows, 0.02)
    val_loss = 2.1 * np.exp(-3.5 * t) + 0.3 + 0.2 * t**2 + _smooth_noise(rng, rows, 0.01)
    series = [
        1 - loss / 2.5,
        loss,
        1 - val_loss / 2.5,
        val_loss,
        1e-3 * 0.5 ** np.floor(t * 10),
    ]
    lists = [column.astype(np.float32).tolist() for column in series]
    with (directory / "training_log.csv").open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(CSV_COLUMNS) + "\r\n")
        chunk = 100_000
        for start in range(0, rows, chunk):
            stop = min(rows, start + chunk)
            lines = [
                f"{epoch},{lists[0][epoch]},{lists[1][epoch]},{lists[2][epoch]},"
                f"{lists[3][epoch]},{lists[4][epoch]}\r\n"
                for epoch in range(start, stop)
            ]
            handle.write("".join(lines))


# --------------------------------------------------------------------------- orchestration

Job = tuple[str, Callable[..., None], tuple[Any, ...]]


def _jobs(root: Path, sizes: Sizes) -> list[Job]:
    """Every generator call, as (dataset, function, args); the sweep is split for two cores."""
    half = sizes.sweep_runs // 2
    sweep = root / "sweep"
    return [
        ("sweep", write_sweep_runs, (sweep, sizes, 0, half)),
        ("sweep", write_sweep_runs, (sweep, sizes, half, sizes.sweep_runs)),
        ("scalars_tensor", write_scalars_tensor, (root / "scalars_tensor", sizes)),
        ("scalars_simple", write_scalars_simple, (root / "scalars_simple", sizes)),
        ("long_run", write_long_run, (root / "long_run", sizes)),
        ("trainer_state", write_trainer_state, (root / "trainer_state", sizes)),
        ("keras_csv", write_keras_csv, (root / "keras_csv", sizes)),
    ]


def _marker_text(name: str, sizes: Sizes) -> str:
    extra = {"long_run_steps": LONG_RUN_STEPS[sizes.label]} if name == "long_run" else {}
    return json.dumps({"dataset": name, "version": GENERATOR_VERSION, **asdict(sizes), **extra})


def _is_complete(directory: Path, name: str, sizes: Sizes) -> bool:
    marker = directory / MARKER
    return marker.is_file() and marker.read_text(encoding="utf-8") == _marker_text(name, sizes)


def ensure(sizes: Sizes, *, regenerate: bool = False, workers: int = 2) -> dict[str, Dataset]:
    """Generate whatever is missing or outdated (in parallel), then describe every dataset."""
    root = root_for(sizes)
    jobs = _jobs(root, sizes)
    stale = {
        name for name, _, _ in jobs if regenerate or not _is_complete(root / name, name, sizes)
    }
    for name in stale:
        shutil.rmtree(root / name, ignore_errors=True)
        (root / name).mkdir(parents=True)
    todo = [(function, args) for name, function, args in jobs if name in stale]
    if todo:
        print(f"generating {', '.join(sorted(stale))} in {root} …", flush=True)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(function, *args) for function, args in todo]:
                future.result()
        for name in stale:
            (root / name / MARKER).write_text(_marker_text(name, sizes), encoding="utf-8")
    return describe(sizes)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and f.name != MARKER)


def _single(directory: Path, pattern: str) -> Path:
    matches = sorted(directory.glob(pattern))
    if len(matches) != 1:
        raise RuntimeError(f"{directory}: expected one {pattern}, found {len(matches)}")
    return matches[0]


def describe(sizes: Sizes) -> dict[str, Dataset]:
    """The generated datasets with their event counts and sizes (after :func:`ensure`)."""
    root = root_for(sizes)
    simple = _single(root / "scalars_simple", "events.out.tfevents.*")
    tensor = _single(root / "scalars_tensor", "events.out.tfevents.*")
    state = root / "trainer_state" / "trainer_state.json"
    csv = root / "keras_csv" / "training_log.csv"
    long_run = root / "long_run"  # the folder holding the run's folder, as analyze is given
    long_events = LONG_RUN_STEPS[sizes.label] * len(SCALAR_TAGS)
    entries = [
        Dataset("scalars_simple", simple, sizes.scalar_events, _size(simple)),
        Dataset("scalars_tensor", tensor, sizes.scalar_events, _size(tensor)),
        Dataset("sweep", root / "sweep", sizes.sweep_events, _size(root / "sweep")),
        Dataset("trainer_state", state, sizes.trainer_entries, _size(state)),
        Dataset("keras_csv", csv, sizes.csv_rows, _size(csv)),
        Dataset("long_run", long_run, long_events, _size(long_run)),
    ]
    return {entry.name: entry for entry in entries}
