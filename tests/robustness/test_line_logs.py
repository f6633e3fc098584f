"""Line-oriented logs from the public corpus cut short: Lightning's ``metrics.csv`` and the
MLflow file store's metric files keep every cell / line that was whole before the cut, and a
last line cut inside its number (Keras' CSVLogger too) is never read as data."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from curvelint.readers import keras_csv, lightning_csv, mlflow_store
from curvelint.readers.base import Reader, ReadResult
from curvelint.readers.torn_lines import TORN_WHY
from tests.robustness.helpers import TALLY, read_or_error, real_files, value_key

LIGHTNING = real_files(lightning_csv.sniff)
MLFLOW_METRICS = real_files(mlflow_store.sniff)
Point = tuple[str, int, int | str]
CUTS_PER_FILE = 24


def _points(result: ReadResult | str) -> set[Point]:
    if isinstance(result, str):
        return set()
    frame = result.frame
    values = [value_key(v) for v in frame["value"].tolist()]
    return set(zip(frame["tag"].astype(str), frame["step"].tolist(), values, strict=True))


def _check(expected: set[Point], result: ReadResult | str) -> None:
    lost = expected - _points(result)
    TALLY.points_lost += len(lost)
    assert not lost, sorted(lost, key=str)[:5]


def _lightning_oracle(text: str) -> set[Point]:
    """Every numeric cell of every whole row (``step`` an integer), by :mod:`csv`."""
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        return set()
    header, points = rows[0], set()
    for row in rows[1:]:
        if len(row) != len(header):
            continue
        cells = dict(zip(header, row, strict=True))
        try:
            step = int(cells["step"])
        except ValueError:
            continue
        for name, cell in cells.items():
            if name in ("step", "epoch") or not cell.strip():
                continue
            try:
                points.add((name, step, value_key(float(cell))))
            except ValueError:
                continue
    return points


def _cuts(text: str) -> list[int]:
    """Line ends (and one byte either side) spread over the file; fewer in large files
    (a 2 MB table costs a second a reading)."""
    ends = [index for index, character in enumerate(text) if character == "\n"]
    if len(text) > 200_000:
        chosen = [ends[len(ends) // 2]]
    else:
        chosen = ends[:: max(1, len(ends) // (CUTS_PER_FILE // 3))]
    return sorted({cut for end in chosen for cut in (end - 1, end, end + 1) if cut > 0})


def _whole(text: str, cut: int) -> str:
    prefix = text[:cut]
    return prefix[: prefix.rfind("\n") + 1]


@pytest.mark.skipif(not LIGHTNING, reason="no Lightning logs in the corpus")
@pytest.mark.parametrize("path", LIGHTNING, ids=lambda p: p.parent.name)
def test_cut_lightning_logs_keep_every_whole_row(path: Path, tmp_path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    intact = read_or_error(lightning_csv, [path], "lightning csv: intact")
    assert _points(intact) == _lightning_oracle(text)
    target = tmp_path / "version_0" / "metrics.csv"
    target.parent.mkdir()
    for cut in _cuts(text):
        target.write_text(text[:cut], encoding="utf-8")
        result = read_or_error(lightning_csv, [target], "lightning csv: truncated")
        _check(_lightning_oracle(_whole(text, cut)), result)


def _mlflow_oracle(metric: str, text: str) -> set[Point]:
    points = set()
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3:
            points.add((metric, int(fields[2]), value_key(float(fields[1]))))
    return points


@pytest.mark.skipif(not MLFLOW_METRICS, reason="no MLflow store in the corpus")
@pytest.mark.parametrize("path", MLFLOW_METRICS[:8], ids=lambda p: p.name)
def test_cut_mlflow_metric_files_keep_every_whole_line(path: Path, tmp_path: Path) -> None:
    run = path.parents[1]
    copy = tmp_path / run.name
    shutil.copytree(run, copy)
    target = copy / "metrics" / path.relative_to(run / "metrics")
    text = path.read_text(encoding="utf-8")
    metric = path.relative_to(run / "metrics").as_posix()
    for cut in _cuts(text):
        target.write_text(text[:cut], encoding="utf-8")
        files = sorted(p for p in (copy / "metrics").rglob("*") if p.is_file())
        result = read_or_error(mlflow_store, files, "mlflow: truncated metric file")
        assert not isinstance(result, str) or len(files) == 1, result
        expected = _mlflow_oracle(metric, _whole(text, cut))
        _check(expected, result)


KERAS = real_files(keras_csv.sniff)
TORN_CASES = [
    *((lightning_csv, path) for path in LIGHTNING),
    *((keras_csv, path) for path in KERAS),
    *((mlflow_store, path) for path in MLFLOW_METRICS[:8]),
]


def _last_number_cuts(text: str) -> list[int]:
    """Offsets inside the last line's last number (at most six), past its first character."""
    body = text.rstrip("\r\n")
    start = max(body.rfind("\n"), body.rfind("\r"), body.rfind(","), body.rfind(" ")) + 1
    return list(range(start + 1, len(body)))[-6:]


@pytest.mark.skipif(not TORN_CASES, reason="no line logs in the corpus")
@pytest.mark.parametrize(
    ("reader", "path"), TORN_CASES, ids=lambda case: getattr(case, "NAME", None) or case.name
)
def test_a_last_line_cut_inside_its_number_is_never_read(
    reader: Reader, path: Path, tmp_path: Path
) -> None:
    """A live or crashed writer read mid-line: the torn value (``4.1`` of ``4.1e-05``) is
    reported skipped, never read; the file without that line gives exactly the rest."""
    if path.stat().st_size > 1_000_000:
        pytest.skip("large file: the cut-line rule is the same")
    text = path.read_bytes().decode("utf-8", errors="surrogateescape")
    body = text.rstrip("\r\n")
    head = body[: max(body.rfind("\n"), body.rfind("\r")) + 1]
    if reader is mlflow_store:  # the run copied whole: metadata beside the metric file
        run = path.parents[1]
        shutil.copytree(run, tmp_path / run.name)
        target = tmp_path / run.name / "metrics" / path.relative_to(run / "metrics")
    else:
        target = tmp_path / "version_0" / path.name
        target.parent.mkdir()
    target.write_bytes(head.encode("utf-8", errors="surrogateescape"))
    without_last = read_or_error(reader, [target], "torn last line: without it")
    for cut in _last_number_cuts(text):
        target.write_bytes(text[:cut].encode("utf-8", errors="surrogateescape"))
        result = read_or_error(reader, [target], "torn last line: cut in its number")
        if isinstance(without_last, str):
            assert isinstance(result, str), (cut, result)
            continue
        assert not isinstance(result, str), result
        extra = _points(result) - _points(without_last)
        assert not extra, (cut, sorted(extra, key=str)[:3])
        _check(_points(without_last), result)
        assert any(s.why == TORN_WHY for s in result.skipped), cut
