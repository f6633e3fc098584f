"""Remote logs: an S3-compatible server on 127.0.0.1 (moto) holding a logdir of every format
reads exactly like the same logdir on disk; unsafe names never escape the temporary folder."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import curvelint
from curvelint import remote
from curvelint.errors import UnreadableError
from curvelint.runs import ReadReport, read_runs
from tests.conftest import CORPUS, tree_hashes
from tests.moto_s3 import moto_s3
from tests.readers.writers import run_writer

pytest.importorskip("fsspec")
pytest.importorskip("s3fs")
pytest.importorskip("moto.server")

BUCKET = "curvelint-test"
CORPUS_PICKS = {
    "lightning_csv/mnist-cnn-hcdescamps": "lightning_logs/version_0",
    "mlflow/swahili-stt": "mlflow",
    "keras_csv/deepfake-dantu": "keras",
    "trainer_state/canine-model": "hf/bert",
}
WANDB_SCRIPT = """
import sys
import wandb
run = wandb.init(dir=sys.argv[1], project="p", name="remote-run")
for step in range(3):
    wandb.log({"loss": 1.0 / (step + 1)})
run.finish()
"""


def _handwritten(root: Path) -> None:
    """The generic formats and a Lightning folder, written where every run can be named."""
    files = {
        "custom/metrics.jsonl": '{"step": 0, "loss": 1.0}\n{"step": 1, "loss": NaN}\n',
        "custom/table.csv": "global_step,loss,val_loss\n0,1.0,\n5,0.5,0.7\n",
        "keras_fit/history.json": '{"loss": [1.0, 0.5], "val_loss": [1.1, Infinity]}',
        "lightning_logs/version_1/metrics.csv": "epoch,step,train_loss\n0,9,1.0\n0,19,inf\n",
        "lightning_logs/version_1/hparams.yaml": "lr: 0.1\n",
        "wandb/run-20200101_000000-old/files/wandb-history.jsonl": '{"_step": 0, "loss": 2.0}\n',
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture(scope="module")
def logdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A local logdir holding every format (corpus files where present, plus written ones)."""
    root = tmp_path_factory.mktemp("remote") / "logs"
    _handwritten(root)
    for source, target in CORPUS_PICKS.items():
        if (CORPUS / source).is_dir():
            shutil.copytree(CORPUS / source, root / target)
    events = sorted((CORPUS / "tfevents" / "t5-summarization-demo").glob("events*"))
    for event in events[:1]:
        (root / "tensorboard" / "run1").mkdir(parents=True, exist_ok=True)
        shutil.copy(event, root / "tensorboard" / "run1" / event.name)
    try:
        import wandb  # noqa: F401
    except ImportError:
        pass
    else:
        run_writer(WANDB_SCRIPT, root, WANDB_MODE="offline", WANDB_SILENT="true")
    return root


@pytest.fixture(scope="module")
def s3(logdir: Path) -> Iterator[Any]:
    """A moto S3 server on 127.0.0.1 with ``logdir`` uploaded under ``s3://BUCKET/logs``."""
    with moto_s3(BUCKET) as filesystem:
        filesystem.put(str(logdir), f"{BUCKET}/logs", recursive=True)
        yield filesystem


def _comparable(report: ReadReport, prefix: str) -> dict[str, tuple[str, pd.DataFrame]]:
    """Each run's format and frame, with sources made relative to the root read."""
    runs = {}
    for run in report.runs:
        frame = run.frame.copy()
        frame["source"] = frame["source"].astype(str).str.removeprefix(prefix)
        runs[run.name] = (run.format, frame.reset_index(drop=True))
    return runs


def test_a_bucket_reads_exactly_like_the_local_logdir(
    s3: Any, logdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tree_hashes(logdir)
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    local = read_runs([logdir])
    remote_report = read_runs([f"s3://{BUCKET}/logs"])
    local_runs = _comparable(local, logdir.name + "/")  # an absolute path shows from its name
    remote_runs = _comparable(remote_report, f"s3://{BUCKET}/logs/")
    assert sorted(remote_runs) == sorted(local_runs)
    formats = {kind for kind, _ in local_runs.values()}
    assert {"lightning_csv", "step_table", "json_lines", "keras_history", "wandb_run"} <= formats
    for name, (kind, frame) in local_runs.items():
        assert remote_runs[name][0] == kind
        pd.testing.assert_frame_equal(remote_runs[name][1], frame, check_categorical=False)
    assert [f.name for f in remote_report.failed] == [f.name for f in local.failed]
    shown = [s for run in remote_report.runs for s in run.files] + [
        s.path for s in remote_report.skipped
    ]
    assert all(path.startswith(f"s3://{BUCKET}/logs/") for path in shown), shown
    assert not list(tmp_path.iterdir())  # the temporary copies are gone
    assert tree_hashes(logdir) == before


def test_the_public_read_accepts_a_url(s3: Any, logdir: Path) -> None:
    frame = curvelint.read(f"s3://{BUCKET}/logs/lightning_logs/version_1")
    assert set(frame["run"].astype(str)) == {"version_1"}
    assert frame["value"].tolist() == [1.0, float("inf")]
    assert set(frame["source"].astype(str)) == {
        f"s3://{BUCKET}/logs/lightning_logs/version_1/metrics.csv"
    }


def test_a_url_to_one_file(s3: Any, logdir: Path) -> None:
    report = read_runs([f"s3://{BUCKET}/logs/keras_fit/history.json"])
    local = read_runs([logdir / "keras_fit" / "history.json"])
    assert [r.name for r in report.runs] == [r.name for r in local.runs]
    assert report.runs[0].files == (f"s3://{BUCKET}/logs/keras_fit/history.json",)


def test_unsafe_object_names_never_leave_the_destination(s3: Any, tmp_path: Path) -> None:
    s3.pipe(
        {
            f"{BUCKET}/unsafe/ok/metrics.jsonl": b'{"step": 0, "loss": 1.0}\n',
            f"{BUCKET}/unsafe/../escaped.jsonl": b'{"step": 0, "loss": 1.0}\n',
            f"{BUCKET}/unsafe/empty//part.jsonl": b'{"step": 0, "loss": 1.0}\n',
            f"{BUCKET}/unsafe/back\\slash.jsonl": b'{"step": 0, "loss": 1.0}\n',
        }
    )
    destination = tmp_path / "inside"
    destination.mkdir()
    skipped: list[curvelint.readers.Skipped] = []
    local = remote.fetch_to_local(f"s3://{BUCKET}/unsafe", destination, skipped=skipped)
    assert local == destination / "unsafe"
    written = sorted(p.relative_to(destination).as_posix() for p in tmp_path.rglob("*.jsonl"))
    assert written == ["unsafe/back_slash.jsonl", "unsafe/ok/metrics.jsonl"]
    assert len(skipped) == 2 and all("unsafe object name" in s.why for s in skipped)


def test_missing_buckets_and_prefixes_are_skipped_not_raised(s3: Any) -> None:
    report = read_runs([f"s3://{BUCKET}/nothing-here", "s3://no-such-bucket-xyz/logs"])
    assert not report.runs
    reasons = [s.why for s in report.skipped]
    assert "no such file or directory" in reasons[0]
    assert "cannot list" in reasons[1] and "\n" not in reasons[1]
    with pytest.raises(curvelint.NoLogsError):
        curvelint.read(f"s3://{BUCKET}/nothing-here")


def test_without_fsspec_a_url_fails_with_an_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fsspec.core", None)
    with pytest.raises(UnreadableError) as raised:
        remote.fetch_to_local("s3://bucket/logs")
    assert "pip install 'curvelint[remote]'" in str(raised.value)
    report = read_runs(["s3://bucket/logs"])
    assert "curvelint[remote]" in report.skipped[0].why


def test_unknown_protocol_is_one_line(tmp_path: Path) -> None:
    report = read_runs(["nosuchprotocol://x/y", tmp_path])
    assert "nosuchprotocol" in report.skipped[0].why and "\n" not in report.skipped[0].why


def test_is_url_only_for_strings_with_a_scheme() -> None:
    assert remote.is_url("s3://b/k") and remote.is_url("gs://b") and remote.is_url("file:///x")
    assert not remote.is_url("runs/exp1") and not remote.is_url(Path("s3://b/k"))
    assert remote.clean_name("..") is None and remote.clean_name("a\x00b") == "a_b"


def test_analyze_and_frame_take_urls_on_the_command_line(s3: Any, tmp_path: Path) -> None:
    """The real CLI as a subprocess (it finds the moto endpoint in the environment): reports of
    a bucket name its URLs, never the temporary copies, and otherwise equal the local ones."""
    from tests.test_cli_analyze import curvelint as run_cli

    lines = [json.dumps({"step": step, "loss": 2.0 / (step + 1)}) for step in range(40)]
    lines.insert(20, '{"step": 20, "loss": ')  # a damaged line: skipped, with where it was
    files = {"cli/exp/metrics.jsonl": "\n".join(lines) + "\n"}
    s3.pipe({f"{BUCKET}/{name}": text.encode() for name, text in files.items()})
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    env = {"TMPDIR": str(temporary), "CURVELINT_CACHE_MAX_MB": "0"}
    url = f"s3://{BUCKET}/cli"

    def analyze(source: str, out: str) -> str:
        done = run_cli("analyze", source, "--out", out, "--fail-on", "never", cwd=tmp_path, env=env)
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
        return "".join(
            (tmp_path / out / "exp" / name).read_text() for name in ("report.md", "report.json")
        )

    remote_text, local_text = analyze(url, "remote"), analyze("cli", "local")
    assert "cli/exp/metrics.jsonl" in local_text  # the skipped line is reported with its file
    assert remote_text == local_text.replace("cli/exp/metrics.jsonl", f"{url}/exp/metrics.jsonl")
    assert "curvelint-remote-" not in remote_text and str(temporary) not in remote_text
    assert not list(temporary.iterdir())  # the copies are gone
    frame = run_cli("frame", url, cwd=tmp_path, env=env)
    assert frame.returncode == 0 and "exp" in frame.stdout, frame.stderr
    compared = run_cli("compare", "cli", url, "--out", "compared", cwd=tmp_path, env=env)
    assert compared.returncode == 0, compared.stderr  # the same run on both sides
    assert url in (tmp_path / "compared" / "compare.md").read_text()
    missing = run_cli("analyze", f"{url}-nothing", "--out", "none", cwd=tmp_path, env=env)
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    assert "Traceback" not in missing.stderr
