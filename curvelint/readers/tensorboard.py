"""TensorBoard event files (``events.out.tfevents.*``) → the common frame.

Every scalar is read: ``simple_value`` (torch, tensorboardX, TF1, Keras 2) and TF2 tensor
scalars (``tf.summary.scalar``), with no sampling. Histograms, images, text, graphs and
hparams are counted in ``metadata``, not read as curves. One run's files (a resumed run,
Keras' ``train/`` and ``validation/`` folders) are merged in file-name order; points that a
restarted job orphaned (``SessionLog.START``, torch's ``purge_step``) are purged exactly as
TensorBoard purges them (:mod:`~curvelint.readers.event_restarts`), folder by folder. Files
torch's ``add_scalars`` wrote into ``<main tag>_<key>/`` sub-folders read as series
``<main tag>/<key>`` (:mod:`~curvelint.readers.add_scalars_folders`).

Two series are axes or placeholders rather than curves, and leave the frame with a note:
an ``epoch`` scalar (HF Trainer's ``train/epoch``, Lightning's ``epoch``) fills the ``epoch``
column of the points logged at the same step of the same file, and Lightning's ``hp_metric``
of -1 (logged with the hyperparameters before any real metric) is dropped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from curvelint.errors import UnreadableError
from curvelint.frame_columns import Coded, FrameColumns, code_dtype
from curvelint.names import canonical, folder_split
from curvelint.readers import add_scalars_folders, keras_tags
from curvelint.readers.base import EPOCH_TAGS, ColumnsRead, ReadResult, Skipped
from curvelint.readers.event_file import EventFile, read_event_file
from curvelint.readers.event_restarts import describe, orphaned, purges
from curvelint.schema import build_columns, concat_columns, frame_of, unknown_floats

NAME = "tensorboard"
EPOCH_METRIC = "epoch"
HP_METRIC_TAG = "hp_metric"
HP_METRIC_PLACEHOLDER = -1.0
_PROFILE_MARKER = ".profile-empty"
# torch's SummaryWriter.add_hparams writes into a sub-folder named after time.time().
_HPARAMS_FOLDER = re.compile(r"^\d{9,}\.\d+$")


def sniff(path: Path) -> bool:
    """An event file by name (``*tfevents*``, CatBoost's bare ``events.out.tfevents`` too),
    except the profiler's empty ``.profile-empty`` marker."""
    return "tfevents" in path.name and not path.name.endswith(_PROFILE_MARKER)


def run_directory(path: Path) -> Path:
    """The run an event file belongs to: its folder, or the folder above a split folder
    (Keras' ``train/``, ``validation/``) or an hparams folder (``1719642696.8209522/``)."""
    parent = path.parent
    if folder_split(parent.name) or _HPARAMS_FOLDER.match(parent.name):
        return parent.parent
    return parent


def file_order(path: Path) -> tuple[str, str]:
    """Files of a run merge in file-name order (event file names start with a timestamp)."""
    return path.name, str(path)


def read(paths: Sequence[Path], *, verify: bool = False) -> ReadResult:
    """Read one run's event files; raise :class:`UnreadableError` only when none is one.

    ``verify`` checks every record's CRC; otherwise only records that fail to decode are.
    """
    return read_columns(paths, verify=verify).result()


def read_columns(paths: Sequence[Path], *, verify: bool = False) -> ColumnsRead:
    """:func:`read`, its frame not built yet (:class:`~curvelint.readers.base.ColumnsRead`)."""
    files = [read_event_file(path, verify=verify) for path in sorted(paths, key=file_order)]
    skipped = [item for event_file in files for item in event_file.skipped]
    notes = [note for event_file in files for note in event_file.notes]
    if not any(event_file.records for event_file in files):
        raise UnreadableError(_unreadable_message(files))
    _purge_orphans(files, notes)
    main_tags = _add_scalars_main_tags([event_file.path for event_file in files])
    parts = [
        _file_columns(event_file, notes, main_tags.get(event_file.path.parent, ""))
        for event_file in files
    ]
    result = ColumnsRead(concat_columns(parts), skipped, _metadata(files), notes)
    _keras_units(result)
    return result


def _keras_units(result: ColumnsRead) -> None:
    """Keras' TensorBoard callback: its ``epoch_*`` tags count epochs (listed in the metadata),
    the rest iterations; with per-batch tags, those are the curves judged together."""
    tags = [str(tag) for tag in result.columns.coded("tag").categories]
    epochs = keras_tags.epoch_tags(tags)
    if not epochs:
        return
    result.metadata[EPOCH_TAGS] = epochs
    if keras_tags.has_iterations(tags):
        frame = keras_tags.iterations_first(frame_of(result.columns), epochs)
        result.columns = FrameColumns.of_frame(frame)
        result.notes.append(
            "Keras logged per batch and per epoch: the per-batch curves (and "
            "evaluation_*_vs_iterations as the eval curves) are analysed, on the iteration axis"
        )


def _add_scalars_main_tags(paths: list[Path]) -> dict[Path, str]:
    """Each sub-folder ``add_scalars`` wrote, beside the writer's own files: its main tag."""
    folders: dict[Path, list[Path]] = {}
    for path in paths:
        folders.setdefault(path.parent, []).append(path)
    found = {
        folder: add_scalars_folders.main_tag(folder_paths)
        for folder, folder_paths in folders.items()
        if folder.parent in folders
    }
    return {folder: tag for folder, tag in found.items() if tag}


def _unreadable_message(files: list[EventFile]) -> str:
    if not files:
        return "no TensorBoard event files given"
    first = files[0].skipped[0] if files[0].skipped else Skipped(str(files[0].path), "", "?")
    others = f" (and {len(files) - 1} more unreadable event files)" if len(files) > 1 else ""
    return f"{first.path}: {first.why}{others}"


def _file_columns(event_file: EventFile, notes: list[str], main_tag: str = "") -> FrameColumns:
    """One file's points as schema columns; the epoch series becomes the epoch column; in a
    sub-folder ``add_scalars`` wrote, ``main_tag``'s series is named after its key too."""
    split = folder_split(event_file.path.parent.name)
    name = event_file.path.name
    tags = event_file.tags
    if main_tag:
        tags = add_scalars_folders.series_tags(tags, event_file.path.parent.name, main_tag)
    codes = event_file.codes
    epoch_tags = np.array([canonical(tag, split)[0] == EPOCH_METRIC for tag in tags])
    is_epoch = epoch_tags[codes] if epoch_tags.any() else np.zeros(len(codes), dtype=bool)
    placeholder = _hp_metric_placeholders(event_file)
    epochs = _epochs(event_file.steps, event_file.values, is_epoch)
    if is_epoch.any():
        logged = sorted({tags[code] for code in np.unique(codes[is_epoch]).tolist()})
        count = int(is_epoch.sum())
        notes.append(
            f"{name}: {_points(count)} of {', '.join(map(repr, logged))} "
            f"{'gives' if count == 1 else 'give'} the epoch of the points logged at the same "
            "step; not a curve"
        )
    if placeholder.any():
        notes.append(
            f"{name}: dropped {_points(int(placeholder.sum()))} of '{HP_METRIC_TAG}' = -1 "
            "(Lightning's placeholder logged with the hyperparameters)"
        )
    keep = ~(is_epoch | placeholder)
    if not keep.any():
        notes.append(f"{name}: no scalar points ({_empty_reason(event_file)})")
    columns = [codes, event_file.steps, event_file.values, epochs, event_file.wall_times]
    if not keep.all():
        columns = [column[keep] for column in columns]
    return build_columns(
        tag=_tag_column(columns[0], tags),
        step=columns[1],
        value=columns[2],
        epoch=columns[3],
        wall_time=columns[4],
        source=str(event_file.path),
        folder_split=split,
    )


def _tag_column(codes: np.ndarray, tags: list[str]) -> Coded:
    """The tag column, with only the tags that have points as categories."""
    used = np.flatnonzero(np.bincount(codes, minlength=len(tags)))
    if len(used) < len(tags):
        recode = np.full(len(tags), -1, dtype=np.int32)
        recode[used] = np.arange(len(used), dtype=np.int32)
        codes, tags = recode[codes], [tags[index] for index in used.tolist()]
    return Coded(codes.astype(code_dtype(len(tags)), copy=False), tuple(tags))


def _points(count: int) -> str:
    return f"{count} point" + ("" if count == 1 else "s")


def _hp_metric_placeholders(event_file: EventFile) -> np.ndarray:
    if HP_METRIC_TAG not in event_file.tags:
        return np.zeros(len(event_file.codes), dtype=bool)
    code = event_file.tags.index(HP_METRIC_TAG)
    placeholders: np.ndarray = event_file.codes == code
    with np.errstate(invalid="ignore"):  # signalling NaNs are data, not errors
        placeholders &= event_file.values == HP_METRIC_PLACEHOLDER
    return placeholders


def _epochs(steps: np.ndarray, values: np.ndarray, is_epoch: np.ndarray) -> np.ndarray:
    """Each point's epoch: the epoch series' value at the same step (the last one logged)."""
    if not is_epoch.any():
        return unknown_floats(len(steps))
    epochs = np.full(len(steps), np.nan)
    epoch_steps, epoch_values = steps[is_epoch], values[is_epoch]
    order = np.argsort(epoch_steps, kind="stable")
    epoch_steps, epoch_values = epoch_steps[order], epoch_values[order]
    last = np.r_[epoch_steps[1:] != epoch_steps[:-1], True]
    epoch_steps, epoch_values = epoch_steps[last], epoch_values[last]
    at = np.minimum(np.searchsorted(epoch_steps, steps), len(epoch_steps) - 1)
    found = epoch_steps[at] == steps
    epochs[found] = epoch_values[at[found]]
    return epochs


def _empty_reason(event_file: EventFile) -> str:
    if event_file.hparams or event_file.summaries.get("hparams"):
        return "only hyperparameters"
    if event_file.summaries:
        kinds = ", ".join(sorted(event_file.summaries))
        return f"only non-scalar summaries: {kinds}"
    if event_file.records <= 1:
        return "only the file header: the run logged nothing"
    return "no scalar summaries"


def _purge_orphans(files: list[EventFile], notes: list[str]) -> None:
    """Drop the points a restart orphaned, folder by folder, as TensorBoard does
    (:mod:`~curvelint.readers.event_restarts`); a note names what was dropped and why."""
    folders: dict[Path, list[EventFile]] = {}
    for event_file in files:
        folders.setdefault(event_file.path.parent, []).append(event_file)
    for folder_files in folders.values():
        found = purges(folder_files)
        if not found:
            continue
        why = describe(folder_files, found)
        for event_file, dropped in zip(folder_files, orphaned(folder_files, found), strict=True):
            if not dropped.any():
                continue
            tags = sorted({event_file.tags[code] for code in event_file.codes[dropped].tolist()})
            keep = ~dropped
            event_file.codes, event_file.steps = event_file.codes[keep], event_file.steps[keep]
            event_file.values = event_file.values[keep]
            event_file.wall_times = event_file.wall_times[keep]
            notes.append(
                f"{event_file.path.name}: {_points(int(dropped.sum()))} of "
                f"{', '.join(map(repr, tags[:5]))}{' …' if len(tags) > 5 else ''} purged as "
                f"TensorBoard purges data orphaned by a restart ({why})"
            )


def _metadata(files: list[EventFile]) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
    versions = sorted({f.file_version for f in files if f.file_version})
    if versions:
        metadata["file_version"] = versions
    summaries: Counter[str] = Counter()
    for event_file in files:
        summaries.update(event_file.summaries)
    if summaries:
        metadata["other_summaries"] = dict(sorted(summaries.items()))
    if any(f.graph for f in files):
        metadata["graph"] = True
    contents = [content for f in files for content in f.hparams]
    if contents or summaries.get("hparams"):
        metadata["hparams_present"] = True
        hparams = _hparams(contents)
        if hparams:
            metadata["hparams"] = hparams
    return metadata


def _hparams(contents: list[bytes]) -> dict[str, Any]:
    """Hyperparameter values from the hparams plugin's session-start records."""
    from google.protobuf.message import DecodeError
    from tensorboard.plugins.hparams import plugin_data_pb2

    values: dict[str, Any] = {}
    for content in contents:
        try:
            data = plugin_data_pb2.HParamsPluginData.FromString(content)
        except DecodeError:
            continue
        if not data.HasField("session_start_info"):
            continue
        for name, value in data.session_start_info.hparams.items():
            kind = value.WhichOneof("kind")
            if kind in ("number_value", "string_value", "bool_value"):
                values[name] = getattr(value, kind)
    return values
