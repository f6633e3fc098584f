"""JSON Lines metric logs: one JSON object per line, with a step key (custom loggers, W&B
history exports and W&B's old ``wandb-history.jsonl``).

The step is the first of ``step``/``_step``/``global_step``/``iteration``/``epoch`` present
(``--step-col`` overrides it). Nested objects are flattened with ``/`` (``{"train": {"loss":
1}}`` is ``train/loss``). Python's :mod:`json` reads the bare ``NaN``/``Infinity`` tokens
loggers write: they are data and kept. A line that is not JSON (a half-written last line) or not
an object is skipped with its line number; keys are allowed to come and go between lines.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from curvelint.errors import UnreadableError
from curvelint.readers import metric_table
from curvelint.readers.base import ReadResult, Skipped
from curvelint.readers.torn_lines import without_torn_last_line
from curvelint.schema import empty_frame

NAME = "json_lines"
LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
JSON_SUFFIX = ".json"
_SNIFF_BYTES = 4096
_STEP_KEY = re.compile(
    rb'"(' + b"|".join(re.escape(k.encode()) for k in metric_table.STEP_COLUMNS) + rb')"\s*:\s*-?\d'
)
# W&B media and tables (images, histograms) are objects with a "_type": values, not folders.
MEDIA_TYPE_KEY = "_type"
# Objects nested deeper than this are not metric logs; bounds the flattening.
_MAX_DEPTH = 8


def flatten(record: Mapping[str, object], prefix: str = "", depth: int = 0) -> dict[str, object]:
    """Nested objects as ``outer/inner`` keys; other values (and W&B media objects, which
    carry a ``_type``) unchanged."""
    flat: dict[str, object] = {}
    for key, value in record.items():
        name = f"{prefix}/{key}" if prefix else str(key)
        if isinstance(value, Mapping) and MEDIA_TYPE_KEY not in value and depth < _MAX_DEPTH:
            flat.update(flatten(value, name, depth + 1))
        else:
            flat[name] = value
    return flat


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(_SNIFF_BYTES)
    except OSError:
        return b""


def _first_line_is_a_log(first: bytes, complete: bool) -> bool:
    """A complete first line must be an object with an integer step and a numeric metric; a
    line longer than the head must at least start as an object naming a step key."""
    if not complete:
        return first.lstrip().startswith(b"{") and bool(_STEP_KEY.search(first))
    try:
        record = json.loads(first.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError):
        return False
    if not isinstance(record, dict):
        return False
    flat = flatten(record)
    step_key = next((k for k in metric_table.STEP_COLUMNS if k in flat), None)
    if step_key is None:
        return False
    step, kind = metric_table.number(flat[step_key])
    if kind != "value" or not math.isfinite(step) or step != round(step):
        return False
    others = (v for k, v in flat.items() if k != step_key and not k.startswith("_"))
    return any(metric_table.number(v)[1] == "value" and isinstance(v, int | float) for v in others)


def sniff(path: Path) -> bool:
    """``.jsonl``/``.ndjson`` (or ``.json`` holding at least two object lines) whose first line
    is an object with an integer step key and a numeric value."""
    suffix = path.suffix.lower()
    if suffix not in LINES_SUFFIXES and suffix != JSON_SUFFIX:
        return False
    head = _head(path).lstrip()
    if not head.startswith(b"{"):
        return False
    first, newline, rest = head.partition(b"\n")
    if suffix == JSON_SUFFIX and not rest.lstrip().startswith(b"{"):
        return False
    complete = bool(newline) or len(head) < _SNIFF_BYTES
    return _first_line_is_a_log(first.rstrip(b"\r"), complete)


def _is_object(line: str) -> bool:
    """A line that parses as a JSON object is whole, line end or not: no cut of a longer
    object parses."""
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def read_records(path: Path, result: ReadResult) -> metric_table.Table:
    """Every object line of ``path`` as a table; bad lines are reported, not raised."""
    try:
        text = path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError as error:
        raise UnreadableError(f"{path}: cannot read ({error.strerror or error})") from None
    text = without_torn_last_line(text, path, result.skipped, whole=_is_object)
    table = metric_table.Table()
    not_json: list[int] = []
    not_objects: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            not_json.append(number)
            continue
        if not isinstance(record, dict):
            not_objects.append(number)
            continue
        table.add_row(flatten(record), number)
    if not_json:
        why = "not valid JSON (half-written line?)"
        result.skipped.append(Skipped(str(path), f"line {not_json[0]}", why, len(not_json)))
    if not_objects:
        why = "not a JSON object"
        result.skipped.append(Skipped(str(path), f"line {not_objects[0]}", why, len(not_objects)))
    if table.rows == 0:
        raise UnreadableError(f"{path}: no JSON object lines")
    return table


def read_lines(
    path: Path, *, step_column: str | None = None, metrics: Sequence[str] | None = None
) -> ReadResult:
    """Read one JSON Lines file; ``step_column``/``metrics`` are the CLI's overrides."""
    result = ReadResult(frame=empty_frame())
    table = read_records(path, result)
    roles = metric_table.choose_roles(
        table.columns, step_column=step_column, metrics=metrics, source=path
    )
    result.frame = metric_table.table_frame(table, roles, path, result)
    return result


def read(paths: Sequence[Path]) -> ReadResult:
    """Read one JSON Lines file (a run is one file)."""
    if len(paths) != 1:
        raise UnreadableError(f"a JSON Lines run is one file, got {len(paths)}")
    return read_lines(paths[0])
