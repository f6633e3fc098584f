"""Weights & Biases runs on disk: ``wandb/run-*/`` and ``wandb/offline-run-*/`` folders.

The history is in the folder's ``run-<id>.wandb`` file, a log of protobuf records decoded with
the :mod:`wandb` package's own ``Record`` class (an optional extra: without it such a run fails
with a one-line error saying what to install). Old versions wrote ``files/wandb-history.jsonl``
instead; it is read as JSON Lines (and used when the ``.wandb`` file cannot be). In both,
``_step`` is the step, ``_timestamp`` the wall time, other ``_`` keys are bookkeeping, and a
``/`` in a key is kept (``train/loss``). ``files/wandb-summary.json``, ``files/config.yaml`` and
the run's own records give metadata; the display name goes to ``metadata["run_name"]``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError

from curvelint.errors import UnreadableError
from curvelint.readers import json_lines, metric_table, wandb_records
from curvelint.readers.base import ReadResult, Skipped
from curvelint.readers.metadata_files import read_json_mapping, read_yaml_mapping
from curvelint.schema import empty_frame

NAME = "wandb_run"
STEP_KEY = "_step"
HISTORY_FILE = "wandb-history.jsonl"
SUMMARY_FILE = "wandb-summary.json"
CONFIG_FILE = "config.yaml"
FILES_FOLDER = "files"
INSTALL_HINT = "pip install 'curvelint[wandb]'"
_RUN_FOLDER = re.compile(r"^(offline-)?run-")
_RUN_FILE = re.compile(r"^run-.+\.wandb$")


def sniff(path: Path) -> bool:
    """``run-*.wandb`` inside a W&B run folder, or a ``wandb-history.jsonl`` (by name only:
    no :mod:`wandb` import, so a run is found even where the package is missing)."""
    if path.name == HISTORY_FILE:
        return True
    return bool(_RUN_FILE.match(path.name) and _RUN_FOLDER.match(path.parent.name))


def run_directory(path: Path) -> Path:
    """The run folder (``wandb-history.jsonl`` sits in its ``files/``)."""
    parent = path.parent
    return parent.parent if path.name == HISTORY_FILE and parent.name == FILES_FOLDER else parent


def file_order(path: Path) -> tuple[int, str]:
    """The ``.wandb`` file first: it is the complete record of the run."""
    return (0 if path.suffix == ".wandb" else 1, path.name)


def _record_class(path: Path) -> Any:
    try:
        from wandb.proto import wandb_internal_pb2
    except ImportError:
        raise UnreadableError(
            f"{path}: reading W&B run files needs the wandb package: {INSTALL_HINT}"
        ) from None
    # The generated module picks its classes by protobuf version at import: opaque to mypy.
    record_class: Any = wandb_internal_pb2.Record  # type: ignore[attr-defined,unused-ignore]
    return record_class


def _item_key(item: Any) -> str:
    return "/".join(item.nested_key) if len(item.nested_key) else str(item.key)


def _decoded(items: Any, undecodable: list[str]) -> dict[str, object]:
    """Key → JSON-decoded value of history/summary/config items."""
    values: dict[str, object] = {}
    for item in items:
        try:
            values[_item_key(item)] = json.loads(item.value_json)
        except (ValueError, RecursionError):
            undecodable.append(_item_key(item))
    return values


def _collapse_media(row: dict[str, object]) -> dict[str, object]:
    """W&B spreads a media value (histogram, image) over ``name/_type``, ``name/bins``…
    items: gather them back into one non-numeric ``name`` value."""
    suffix = "/" + json_lines.MEDIA_TYPE_KEY
    media = [key.removesuffix(suffix) for key in row if key.endswith(suffix)]
    if not media:
        return row
    collapsed = {
        key: value for key, value in row.items() if not any(key.startswith(m + "/") for m in media)
    }
    collapsed.update({name: {json_lines.MEDIA_TYPE_KEY: row[name + suffix]} for name in media})
    return collapsed


class _RunRecords:
    """What the records of one ``.wandb`` file say: history rows and run metadata."""

    def __init__(self) -> None:
        self.table = metric_table.Table(unit="record at byte")
        self.summary: dict[str, object] = {}
        self.config: dict[str, object] = {}
        self.metadata: dict[str, Any] = {}
        self.undecodable: list[str] = []

    def add(self, record: Any, offset: int) -> None:
        kind = record.WhichOneof("record_type")
        if kind == "history":
            row = _decoded(record.history.item, self.undecodable)
            if STEP_KEY not in row and record.history.HasField("step"):
                row[STEP_KEY] = record.history.step.num
            self.table.add_row(json_lines.flatten(_collapse_media(row)), offset)
        elif kind == "summary":
            self.summary.update(_decoded(record.summary.update, self.undecodable))
            for item in record.summary.remove:
                self.summary.pop(_item_key(item), None)
        elif kind == "config":
            self.config.update(_decoded(record.config.update, self.undecodable))
        elif kind == "run":
            self._run(record.run)
        elif kind == "exit":
            self.metadata["exit_code"] = int(record.exit.exit_code)

    def _run(self, run: Any) -> None:
        self.config.update(_decoded(run.config.update, self.undecodable))
        for key in ("run_id", "project", "entity", "group", "job_type"):
            if getattr(run, key, ""):
                self.metadata[key] = getattr(run, key)
        if run.display_name:
            self.metadata["run_name"] = run.display_name
        if run.HasField("start_time"):
            self.metadata["start_time"] = run.start_time.seconds + run.start_time.nanos / 1e9


def _scan(path: Path, result: ReadResult) -> _RunRecords:
    record_class = _record_class(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableError(f"{path}: cannot read ({error.strerror or error})") from None
    wandb_records.check_header(data, path)
    damage = wandb_records.Damage()
    records = _RunRecords()
    for offset, payload in wandb_records.payloads(data, damage):
        record = record_class()
        try:
            record.ParseFromString(payload)
        except DecodeError:
            damage.add("record not decodable as a W&B Record", offset)
            continue
        records.add(record, offset)
    result.skipped.extend(damage.skipped(path))
    if records.undecodable:
        why = f"values that are not JSON ignored (keys {sorted(set(records.undecodable))[:5]})"
        result.skipped.append(Skipped(str(path), "", why, len(records.undecodable)))
    return records


def _read_run_file(path: Path, result: ReadResult) -> None:
    records = _scan(path, result)
    result.metadata.update(records.metadata)
    summary = {k: v for k, v in records.summary.items() if not k.startswith("_wandb")}
    if summary:
        result.metadata["summary"] = summary
    if records.config:
        result.metadata["config"] = {k: v for k, v in records.config.items() if k != "_wandb"}
    if records.table.rows == 0:
        result.notes.append(f"{path.name}: no history records (nothing was logged)")
        return
    roles = metric_table.choose_roles(records.table.columns, step_column=STEP_KEY, source=path)
    result.frame = metric_table.table_frame(records.table, roles, path, result)


def _read_history_lines(path: Path, result: ReadResult) -> None:
    table = json_lines.read_records(path, result)
    step = STEP_KEY if STEP_KEY in table.columns else None
    roles = metric_table.choose_roles(table.columns, step_column=step, source=path)
    result.frame = metric_table.table_frame(table, roles, path, result)


def _file_metadata(run: Path, result: ReadResult) -> None:
    files = run / FILES_FOLDER
    summary_path, config_path = files / SUMMARY_FILE, files / CONFIG_FILE
    if summary_path.is_file():
        summary = read_json_mapping(summary_path, result.notes)
        result.metadata["summary"] = {**result.metadata.get("summary", {}), **summary}
    if config_path.is_file():
        config = read_yaml_mapping(config_path, result.notes)
        values = {
            key: entry.get("value") if isinstance(entry, dict) and "value" in entry else entry
            for key, entry in config.items()
            if key not in {"_wandb", "wandb_version"}
        }
        result.metadata["config"] = {**result.metadata.get("config", {}), **values}


def read(paths: Sequence[Path]) -> ReadResult:
    """Read one run folder's history: its ``.wandb`` file, else ``wandb-history.jsonl``."""
    if not paths:
        raise UnreadableError("a W&B run needs a run-*.wandb or wandb-history.jsonl file")
    result = ReadResult(frame=empty_frame())
    run_files = [p for p in paths if p.suffix == ".wandb"]
    histories = [p for p in paths if p.name == HISTORY_FILE]
    try:
        if not run_files:
            raise UnreadableError(f"{run_directory(paths[0])}: no run-*.wandb file")
        _read_run_file(run_files[0], result)
        if histories:
            result.notes.append(f"{HISTORY_FILE} holds the same history: not read twice")
    except UnreadableError as error:
        if not histories:
            raise
        if run_files:
            result.notes.append(f"{error}; read {HISTORY_FILE} instead")
        _read_history_lines(histories[0], result)
    if len(run_files) > 1:
        extra = ", ".join(p.name for p in run_files[1:])
        result.notes.append(f"several .wandb files in one run folder: only the first read: {extra}")
    _file_metadata(run_directory(paths[0]), result)
    return result
