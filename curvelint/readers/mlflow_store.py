"""The MLflow file store: ``mlruns/<experiment_id>/<run_id>/metrics/<name>``.

Each metric is a text file of ``timestamp value step`` lines (timestamp in milliseconds; very
old stores wrote no step, which MLflow reads as 0). Metric names may contain spaces, and a
``/`` in a name is a sub-folder of ``metrics/``: the tag is the path below ``metrics/``. MLflow
writes ``nan``/``inf`` as such: kept as data. A line repeated byte for byte (same time, value
and step — MLflow re-logging a point) is one point, not two. ``params/``, ``tags/`` and
``meta.yaml`` are metadata; the run's own name (``tags/mlflow.runName``) goes to
``metadata["run_name"]`` while discovery names the run by its path. Deleted runs
(``.trash/``) are not read.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from curvelint.errors import UnreadableError
from curvelint.readers.base import ReadResult, Skipped
from curvelint.readers.metadata_files import read_text_values, read_yaml_mapping
from curvelint.readers.torn_lines import without_torn_last_line
from curvelint.schema import build_frame, concat, empty_frame

NAME = "mlflow_store"
METRICS_FOLDER = "metrics"
RUN_META = "meta.yaml"
RUN_NAME_TAG = "mlflow.runName"
TRASH_FOLDER = ".trash"
_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
# Metric names nest at most this deep below metrics/ in practice; bounds the walk up.
_MAX_NAME_DEPTH = 8


def _metrics_folder(path: Path) -> Path | None:
    """The ``metrics/`` folder above ``path`` whose parent looks like an MLflow run, if any."""
    for depth, ancestor in enumerate(path.parents):
        if depth >= _MAX_NAME_DEPTH:
            return None
        if ancestor.name == METRICS_FOLDER:
            run = ancestor.parent
            if _RUN_ID.match(run.name) or (run / RUN_META).is_file():
                return ancestor
    return None


def sniff(path: Path) -> bool:
    """A file below the ``metrics/`` folder of a run (a folder with ``meta.yaml`` or named by a
    32-hex run id). Claimed by place, not content, so a damaged metric file is reported."""
    return TRASH_FOLDER not in path.parts and _metrics_folder(path) is not None


def run_directory(path: Path) -> Path:
    """The run folder (``<experiment_id>/<run_id>``), parent of ``metrics/``."""
    folder = _metrics_folder(path)
    return folder.parent if folder is not None else path.parent


@dataclass
class _Points:
    """Column buffers for one metric file."""

    steps: list[int] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    wall_times: list[float] = field(default_factory=list)


def _parse_line(line: str) -> tuple[float, float, int] | None:
    """``(wall_time seconds, value, step)``, or None when the line is not a metric line."""
    fields = line.split()
    if len(fields) not in (2, 3):
        return None
    try:
        timestamp = int(fields[0])
        value = float(fields[1])
        step = int(fields[2]) if len(fields) == 3 else 0
    except ValueError:
        return None
    return timestamp / 1000.0, value, step


def _read_metric(path: Path, tag: str, result: ReadResult) -> _Points:
    try:
        text = path.read_bytes().decode("utf-8", errors="replace")
    except OSError as error:
        result.skipped.append(Skipped(str(path), "", f"cannot read ({error.strerror or error})"))
        return _Points()
    text = without_torn_last_line(text, path, result.skipped)
    points = _Points()
    seen: set[str] = set()
    bad: list[int] = []
    repeated = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parsed = _parse_line(line)
        if parsed is None:
            bad.append(number)
            continue
        key = line.strip()
        if key in seen:
            repeated += 1
            continue
        seen.add(key)
        points.wall_times.append(parsed[0])
        points.values.append(parsed[1])
        points.steps.append(parsed[2])
    if bad:
        why = "not a 'timestamp value step' line (half-written?)"
        result.skipped.append(Skipped(str(path), f"line {bad[0]}", why, len(bad)))
    if repeated:
        result.notes.append(
            f"metric {tag!r}: {repeated} line(s) repeat an earlier line exactly "
            "(same time, value and step): counted once"
        )
    return points


def _tag(path: Path) -> str:
    """The metric's name: its path below ``metrics/``, bytes that are not UTF-8 escaped."""
    folder = _metrics_folder(path)
    name = path.relative_to(folder).as_posix() if folder is not None else path.name
    return os.fsencode(name).decode("utf-8", errors="backslashreplace")


def _metadata(run: Path, result: ReadResult) -> None:
    params = read_text_values(run / "params", result.notes)
    tags = read_text_values(run / "tags", result.notes)
    meta = read_yaml_mapping(run / RUN_META, result.notes) if (run / RUN_META).is_file() else {}
    run_name = tags.get(RUN_NAME_TAG) or meta.get("run_name")
    if run_name:
        result.metadata["run_name"] = str(run_name)
    if params:
        result.metadata["params"] = params
    if tags:
        result.metadata["tags"] = tags
    for key in ("run_id", "experiment_id", "status", "lifecycle_stage", "start_time", "end_time"):
        if key in meta:
            result.metadata[key] = meta[key]


def read(paths: Sequence[Path]) -> ReadResult:
    """Read every metric file of one run (and its params, tags and meta.yaml)."""
    if not paths:
        raise UnreadableError("an MLflow run needs at least one metric file")
    result = ReadResult(frame=empty_frame())
    frames = []
    for path in sorted(paths, key=_tag):
        tag = _tag(path)
        points = _read_metric(path, tag, result)
        if not points.values:
            if not any(s.path == str(path) for s in result.skipped):
                result.skipped.append(Skipped(str(path), "", "no metric lines (empty file)"))
            continue
        frames.append(
            build_frame(
                tag=[tag] * len(points.values),
                step=np.asarray(points.steps, dtype=np.int64),
                value=np.asarray(points.values, dtype=np.float64),
                wall_time=np.asarray(points.wall_times, dtype=np.float64),
                epoch=np.full(len(points.values), math.nan),
                source=str(path),
            )
        )
    if not frames:
        reasons = "; ".join(str(s) for s in result.skipped)
        raise UnreadableError(f"{run_directory(paths[0])}: no readable MLflow metric ({reasons})")
    result.frame = concat(frames)
    _metadata(run_directory(paths[0]), result)
    return result
