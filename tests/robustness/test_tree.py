"""The tree around the logs: unreadable files, links that loop or leave the root, FIFOs and
devices, ten thousand empty files, a run deleted while it is read. One bad run never stops
the others; what was skipped is one line each; nothing but regular files inside the root is
ever opened.

Permission errors are made two ways, because root ignores file modes: by making
``Path.read_bytes``/``Path.open`` raise for one file (in process), and for real, with
``chmod 000`` and the reader running as ``nobody`` under ``setpriv`` (skipped where that is
not possible).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from curvelint.readers import BY_NAME
from curvelint.runs import ReadReport, read_runs
from tests.robustness.helpers import REPO, SAMPLE_LOGS, TALLY, one_line, timed, value_key

SAMPLES = {
    "tb": SAMPLE_LOGS / "torch_digits_healthy",
    "hf": SAMPLE_LOGS / "hf_bert_stuck",
    "csv": SAMPLE_LOGS / "keras_csv_iris_healthy",
}


def _small_runs(root: Path) -> None:
    """One small run of every format that needs no third-party writer."""
    (root / "lines").mkdir(parents=True)
    (root / "lines" / "log.jsonl").write_text(
        "".join(json.dumps({"step": s, "loss": 1 / (s + 1)}) + "\n" for s in range(5))
    )
    (root / "table").mkdir()
    (root / "table" / "steps.csv").write_text("step,loss\n0,1\n1,0.5\n2,0.25\n")
    (root / "history").mkdir()
    (root / "history" / "history.json").write_text('{"loss": [1.0, 0.5], "val_loss": [2, 1]}')
    version = root / "lightning_logs" / "version_0"
    version.mkdir(parents=True)
    (version / "metrics.csv").write_text("epoch,step,train_loss\n0,0,1.0\n0,1,0.5\n")
    (version / "hparams.yaml").write_text("lr: 0.1\n")
    run = root / "mlruns" / "0" / ("ab" * 16)
    (run / "metrics").mkdir(parents=True)
    (run / "meta.yaml").write_text("run_id: x\n")
    (run / "metrics" / "loss").write_text("1700000000000 1.0 0\n1700000000001 0.5 1\n")
    wandb = root / "wandb" / "run-20240101_000000-abc" / "files"
    wandb.mkdir(parents=True)
    (wandb / "wandb-history.jsonl").write_text(
        '{"_step": 0, "loss": 1}\n{"_step": 1, "loss": 0.5}\n'
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Every format, one run each (the sample logs where present)."""
    root = tmp_path / "logs"
    root.mkdir()
    for name, source in SAMPLES.items():
        if source.is_dir():
            shutil.copytree(source, root / name)
    _small_runs(root)
    return root


def _points(report: ReadReport) -> dict[str, set[tuple[str, str, int, int | str]]]:
    return {
        run.name: set(
            zip(
                run.frame["metric"].astype(str),
                run.frame["split"].astype(str),
                run.frame["step"].tolist(),
                [value_key(v) for v in run.frame["value"].tolist()],
                strict=True,
            )
        )
        for run in report.runs
    }


def _lines(report: ReadReport) -> list[str]:
    lines = [f.error for f in report.failed] + [str(s) for s in report.skipped]
    lines += [str(s) for run in report.runs for s in run.skipped] + [
        note for run in report.runs for note in run.notes
    ]
    for line in lines:
        one_line(line)
    return lines


def _read(paths: list[Path], kind: str) -> ReadReport:
    with timed(kind, str(paths[0])):
        try:
            return read_runs(paths)
        except Exception:
            TALLY.crashes += 1
            raise


def _run_root(report_root: Path, name: str) -> Path:
    return report_root / name


# --------------------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    "victim",
    ["tb", "hf", "csv", "lines", "table", "history", "lightning_logs/version_0", "mlruns", "wandb"],
)
def test_an_unreadable_file_costs_only_its_run(
    tree: Path, monkeypatch: pytest.MonkeyPatch, victim: str
) -> None:
    intact = _points(_read([tree], "tree: intact"))
    denied = {p for p in (tree / victim).rglob("*") if p.is_file()}
    if not denied:
        pytest.skip(f"{victim} is not present")
    real_read_bytes, real_open = Path.read_bytes, Path.open

    def read_bytes(self: Path) -> bytes:
        if self in denied:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self in denied:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    monkeypatch.setattr(Path, "open", open_)
    report = _read([tree], "tree: permission denied (patched)")
    got = _points(report)
    lines = _lines(report)
    for name, points in intact.items():
        if not name.startswith(victim.split("/")[0]):
            assert got.get(name) == points, name  # every other run, every point
    victim_runs = [n for n in intact if n.startswith(victim.split("/")[0])]
    assert victim_runs and not any(n in got for n in victim_runs), got.keys()
    said = [line for line in lines if "Permission denied" in line]
    # the path as given: an absolute root shows from its last component
    assert said and all(f"{tree.name}/{victim}" in line for line in said), said


def _setpriv() -> str | None:
    path = shutil.which("setpriv")
    if path is None or os.geteuid() != 0:
        return None
    return path


_REPORT_SCRIPT = """
import json, sys
from pathlib import Path
from curvelint.runs import read_runs
report = read_runs([Path(p) for p in sys.argv[1:]])
print(json.dumps({
    "runs": {run.name: len(run.frame) for run in report.runs},
    "failed": [f.error for f in report.failed],
    "skipped": [str(s) for s in report.skipped]
    + [str(s) for run in report.runs for s in run.skipped],
}))
"""


@pytest.fixture
def shared_tree() -> Iterator[Path]:
    """A tree nobody can enter (tmp_path is root's only), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="curvelint-robustness-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for path in [folder, *folder.rglob("*")]:
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(folder)


def test_real_permission_errors_as_nobody(shared_tree: Path) -> None:
    setpriv = _setpriv()
    if setpriv is None:
        pytest.skip("needs root and setpriv to run the reader as nobody")
    root = shared_tree / "logs"
    root.mkdir()
    for name, source in SAMPLES.items():
        if source.is_dir():
            shutil.copytree(source, root / name)
    _small_runs(root)
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    intact = json.loads(_python_as(setpriv, [str(root)]))
    locked_file = next((root / "csv").glob("*")) if (root / "csv").is_dir() else None
    locked_folder = root / "lines"
    locked_folder.chmod(0o000)
    if locked_file is not None:
        locked_file.chmod(0o000)
    with timed("tree: permission denied (nobody)", str(root)):
        outcome = json.loads(_python_as(setpriv, [str(root)]))
    for line in outcome["failed"] + outcome["skipped"]:
        one_line(line)
    others = {k: v for k, v in intact["runs"].items() if k not in ("lines", "csv")}
    assert {k: outcome["runs"].get(k) for k in others} == others
    assert "lines" not in outcome["runs"] and "csv" not in outcome["runs"]
    text = " ".join(outcome["failed"] + outcome["skipped"])
    assert "Permission denied" in text and "lines" in text
    if locked_file is not None:
        assert str(locked_file.relative_to(root.parent)) in text  # shown from the root's name


def _python_as(setpriv: str, arguments: list[str]) -> str:
    completed = subprocess.run(
        [
            setpriv,
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            sys.executable,
            "-c",
            _REPORT_SCRIPT,
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd="/",
        env={**os.environ, "HOME": "/tmp", "PYTHONPATH": str(REPO), "MPLCONFIGDIR": "/tmp"},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    return completed.stdout


# --------------------------------------------------------------------------- links, FIFOs


_AUDIT_SCRIPT = """
import json, sys
from pathlib import Path
opened = []
def hook(event, args):
    if event == "open" and isinstance(args[0], (str, bytes)):
        opened.append(str(args[0]))
    elif event == "os.listdir" or event == "os.scandir":
        opened.append(str(args[0]))
sys.addaudithook(hook)
from curvelint.runs import read_runs
report = read_runs([Path(p) for p in sys.argv[1:]])
print(json.dumps({
    "opened": opened,
    "runs": {run.name: len(run.frame) for run in report.runs},
    "failed": [f.error for f in report.failed],
    "skipped": [str(s) for s in report.skipped],
}))
"""


def _audited(paths: list[Path], kind: str) -> dict[str, Any]:
    """read_runs in a child process that records every file it opens (a FIFO opened for
    reading would block it: the timeout turns that hang into a failure)."""
    with timed(kind, str(paths[0])):
        completed = subprocess.run(
            [sys.executable, "-c", _AUDIT_SCRIPT, *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    outcome: dict[str, Any] = json.loads(completed.stdout)
    for line in outcome["failed"] + outcome["skipped"]:
        one_line(line)
    return outcome


def test_links_fifos_and_devices_are_never_opened(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "secret").mkdir(parents=True)
    secret = outside / "secret" / "events.out.tfevents.1.host"
    if (SAMPLES["tb"]).is_dir():
        shutil.copy(next(SAMPLES["tb"].glob("*tfevents*")), secret)
    else:
        secret.write_bytes(b"")
    (outside / "trainer_state.json").write_text('{"global_step": 1, "log_history": []}')
    root = tmp_path / "root"
    _small_runs(root)
    traps = root / "traps"
    traps.mkdir()
    forbidden = []
    for name in ("events.out.tfevents.9.fifo", "metrics.csv", "training.log", "log.jsonl"):
        os.mkfifo(traps / name)
        forbidden.append(traps / name)
    devices = root / "devices"
    devices.mkdir()
    for name, minor in (("events.out.tfevents.9.zero", 5), ("trainer_state.json", 3)):
        os.mknod(devices / name, 0o600 | stat.S_IFCHR, os.makedev(1, minor))
        forbidden.append(devices / name)
    links = root / "links"
    links.mkdir()
    os.symlink(secret, links / "events.out.tfevents.2.host")  # a file outside the root
    os.symlink(outside / "secret", links / "secret")  # a folder outside the root
    os.symlink(outside / "trainer_state.json", links / "trainer_state.json")
    os.symlink(traps / "metrics.csv", links / "history.csv")  # a link to a FIFO inside
    os.symlink("/dev/zero", links / "events.out.tfevents.3.zero")
    os.symlink(links / "loop_b", links / "loop_a.csv")  # a file link loop
    os.symlink(links / "loop_a.csv", links / "loop_b")
    os.symlink(root, root / "lines" / "again")  # a folder loop
    os.symlink("../..", links / "up")
    forbidden += [
        links / "events.out.tfevents.2.host",
        links / "trainer_state.json",
        links / "history.csv",
        links / "events.out.tfevents.3.zero",
        secret,
        outside / "trainer_state.json",
    ]
    outcome = _audited([root], "tree: links, FIFOs, devices")
    opened = {Path(p).resolve() if Path(p).exists() else Path(p) for p in outcome["opened"]}
    touched = [p for p in forbidden if p in opened or p.resolve() in opened]
    assert not touched, touched
    assert not [p for p in outcome["opened"] if p.startswith(str(outside))]
    assert set(outcome["runs"]) >= {"lines", "table", "history", "mlruns/0/" + "ab" * 16}
    assert any("leaving the root" in line for line in outcome["skipped"])
    # Named on the command line, a FIFO or a device is still not opened.
    named = _audited(
        [traps / "metrics.csv", devices / "trainer_state.json", root / "table"],
        "tree: FIFO named as a path",
    )
    assert list(named["runs"]) == ["table/steps.csv"] or list(named["runs"]) == ["steps.csv"]
    assert sum("not a regular file" in line for line in named["skipped"]) == 2


# --------------------------------------------------------------------------- scale, races


def test_ten_thousand_empty_files(tmp_path: Path) -> None:
    root = tmp_path / "logs"
    crowd = root / "crowd"
    crowd.mkdir(parents=True)
    suffixes = (".csv", ".json", ".jsonl", ".log", ".txt", "")
    for index in range(10_000):
        if index % 4 == 0:
            name = f"events.out.tfevents.{index}.host"
        else:
            name = f"file{index}{suffixes[index % len(suffixes)]}"
        (crowd / name).touch()
    _small_runs(root)
    start = time.perf_counter()
    report = _read([root], "tree: 10,000 empty files")
    TALLY.time(time.perf_counter() - start, "10,000 empty files, read_runs")
    lines = _lines(report)
    assert {"lines", "table", "history"} <= {run.name for run in report.runs}
    assert [f.name for f in report.failed] == ["crowd"]
    assert len(lines) < 50, "10,000 empty files must not become 10,000 lines"


@pytest.mark.parametrize(
    "victim",
    ["tb", "hf", "csv", "lines", "table", "history", "lightning_logs/version_0", "mlruns", "wandb"],
)
def test_a_run_folder_deleted_while_being_read(
    tree: Path, monkeypatch: pytest.MonkeyPatch, victim: str
) -> None:
    intact = _points(_read([tree], "tree: intact"))
    if not (tree / victim).exists():
        pytest.skip(f"{victim} is not present")
    target = tree / victim
    for reader in BY_NAME.values():
        original = reader.read

        def deleting_read(paths: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            if paths and target in Path(paths[0]).parents:
                shutil.rmtree(target, ignore_errors=True)
            return _original(paths, *args, **kwargs)

        monkeypatch.setattr(reader, "read", deleting_read)
    report = _read([tree], "tree: run deleted while read")
    got = _points(report)
    _lines(report)
    gone = [
        name
        for name in intact
        if (tree / name).is_relative_to(target) or name.startswith(victim.split("/")[0])
    ]
    assert gone, intact.keys()
    for name, points in intact.items():
        if name not in gone:
            assert got.get(name) == points, name
    for name in gone:
        assert name not in got or not got[name]
    assert any(
        victim.split("/")[0] in line
        for line in [f.error for f in report.failed] + [str(s) for s in report.skipped]
    )
