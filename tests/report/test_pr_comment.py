"""What a reviewer reads in a pull request, rendered by the real CLI on real logs: the compact
index, the terminal table, the GitHub annotations of a sweep, the Steps column, an MLflow run
that logs no loss, and advice in the terms of the library that wrote the log."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from curvelint.report.escape import markdown_text
from curvelint.report.index import ROW_LIMIT
from curvelint.verdicts import FACTS, Severity
from tests.readers.writers import require, run_writer
from tests.report.test_index_rows import is_headline_of

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_LOGS = ROOT / "sample_logs"
LABELLED = ROOT / "tests" / "labelled" / "runs"
CORPUS = ROOT.parent / "shared" / "corpus" / "public"

MLFLOW_SCRIPT = """
import sys
from pathlib import Path
import mlflow

root = Path(sys.argv[1])
mlflow.set_tracking_uri((root / "mlruns").as_uri())
mlflow.set_experiment("artic")
for attempt in range(2):
    with mlflow.start_run():
        for step in range(400):
            mlflow.log_metric("MAE loss per step", 0.5 / (1 + step / 40) + 0.03, step=step)
        for epoch in range(100):
            mlflow.log_metric("MAE avareage on epoch", 0.5 / (1 + epoch / 10) + 0.03, step=epoch)
            value = 0.5 / (1 + epoch / 10) + 0.035 + 0.001 * attempt
            mlflow.log_metric("MAE on validation after epoch", value, step=epoch)
"""


def analyze(paths: list[Path], out: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "curvelint", "analyze", *map(str, paths), "--out", str(out)]
    environment = {**os.environ, "COLUMNS": "160"}
    environment.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(
        [*command, *options], capture_output=True, text=True, timeout=600, env=environment
    )


def _rows(index: str) -> list[str]:
    return [line for line in index.splitlines() if line.startswith("| ") and "][" in line]


@pytest.fixture(scope="module")
def mlflow_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """Two real MLflow runs of one experiment that log MAE under spoken names, no loss."""
    require("mlflow")
    root = tmp_path_factory.mktemp("mlflow")
    run_writer(MLFLOW_SCRIPT, root, MLFLOW_ALLOW_FILE_STORE="true")
    out = root / "out"
    result = analyze([root / "mlruns"], out, "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_an_mlflow_run_without_a_loss_shows_its_curve_in_the_index(
    mlflow_out: tuple[Path, str],
) -> None:
    out, _ = mlflow_out
    rows = _rows((out / "index.md").read_text(encoding="utf-8"))
    assert len(rows) == 2
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert cells[2] == "0–399" and cells[3].startswith("`") and cells[3] != "—", row
    documents = json.loads((out / "summary.json").read_text(encoding="utf-8"))["runs"]
    for document in documents:
        series = {f"{s['metric']}/{s['split']}" for s in document["series"]}
        assert "mae_after_epoch/eval" in series, series
        messages = " ".join(f["message"] for f in document["findings"])
        assert "no eval" not in messages


def test_the_terminal_table_tells_same_named_runs_apart_and_shows_the_reason(
    mlflow_out: tuple[Path, str],
) -> None:
    out, stdout = mlflow_out
    documents = json.loads((out / "summary.json").read_text(encoding="utf-8"))["runs"]
    lines = [line for line in stdout.splitlines() if "not converged" in line or "│ mlflow" in line]
    names = [line.split("│")[1].strip() for line in lines if line.count("│") > 3]
    assert len(names) == 2 and names[0] != names[1], lines
    for document, line in zip(documents, lines, strict=False):
        reason = line.split("│")[-2].strip()
        assert len(reason) > 30 and is_headline_of(reason, document["reason"]), line


def test_the_index_is_compact_and_each_reason_short(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert analyze([SAMPLE_LOGS], out, "--fail-on", "never", "--quiet").returncode == 0
    index = (out / "index.md").read_text(encoding="utf-8")
    header = index.splitlines()[6]
    assert header.startswith("| Verdict | Run | Steps | ") and header.endswith("→ last | Reason |")
    documents = json.loads((out / "summary.json").read_text(encoding="utf-8"))["runs"]
    rows = _rows(index)
    assert len(rows) == len(documents)
    for row, document in zip(rows, documents, strict=True):
        assert len(row) <= ROW_LIMIT, row
        reason = row.rstrip(" |").rsplit(" | ", 1)[-1].replace("\\", "")
        assert "…" not in reason, row
        assert is_headline_of(reason, document["reason"]), (reason, document["reason"])
    for document in documents:
        report = (out / document["folder"] / "report.md").read_text(encoding="utf-8")
        assert markdown_text(document["reason"]) in report  # the whole reason


def _epochs_logged(training_log: Path) -> int:
    with training_log.open(encoding="utf-8") as handle:
        return len(list(csv.DictReader(handle)))


def test_the_steps_column_counts_epochs_and_shows_the_plotted_span(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [SAMPLE_LOGS / "keras_csv_iris_healthy", SAMPLE_LOGS / "torch_digits_healthy"]
    assert analyze(runs, out, "--fail-on", "never", "--quiet").returncode == 0
    rows = _rows(out.joinpath("index.md").read_text(encoding="utf-8"))
    keras = next(row for row in rows if "keras\\_csv\\_iris\\_healthy" in row)
    torch = next(row for row in rows if "torch\\_digits\\_healthy" in row)
    epochs = _epochs_logged(runs[0] / "training.log")
    assert f"| {epochs} epochs |" in keras
    assert "| 10–1,290 |" in torch  # the span of its training loss, as plotted


def test_a_steps_span_follows_the_main_curve_not_another_tag(tmp_path: Path) -> None:
    run = CORPUS / "tfevents" / "tbtutorial-exp12-adam"
    if not run.is_dir():
        pytest.skip("the public corpus is absent")
    out = tmp_path / "out"
    assert analyze([run], out, "--fail-on", "never", "--quiet").returncode == 0
    (row,) = _rows((out / "index.md").read_text(encoding="utf-8"))
    # Keras' epoch_* tags count epochs (0–9); evaluation_*_vs_iterations runs to 15,000
    assert "| 10 epochs |" in row and "15,000" not in row


def _annotations(stdout: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"error": [], "warning": [], "notice": []}
    for line in stdout.splitlines():
        for level in found:
            if line.startswith(f"::{level} "):
                found[level].append(line)
    return found


def test_github_annotates_what_to_act_on_and_counts_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = analyze([LABELLED], out, "--fail-on", "diverged", "--github", "--quiet")
    assert result.returncode == 1, result.stderr
    found = _annotations(result.stdout)
    documents: list[dict[str, Any]] = json.loads((out / "summary.json").read_text())["runs"]
    verdicts = [document["verdict"] for document in documents]
    severity = {name: facts.severity for name, facts in FACTS.items()}
    assert len(found["error"]) == verdicts.count("diverged") > 0
    acted = [v for v in verdicts if v != "diverged" and severity[v] is Severity.ERROR]
    assert len(found["warning"]) == len(acted)
    milder = [v for v in verdicts if severity[v] is Severity.WARNING]
    assert len(milder) > len(found["warning"])  # a sweep's mild verdicts are not one each
    (notice,) = found["notice"]
    assert f"{len(milder)} " in notice.replace("%2C", ",") and "see the job summary" in notice


def _recommendations(document: dict[str, Any]) -> str:
    return " ".join(finding["recommendation"] for finding in document["findings"])


def test_advice_speaks_the_terms_of_the_library_that_wrote_the_log(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert analyze([SAMPLE_LOGS], out, "--fail-on", "never", "--quiet").returncode == 0
    documents = json.loads((out / "summary.json").read_text(encoding="utf-8"))["runs"]
    advice = {document["run"]: _recommendations(document) for document in documents}
    for run, text in advice.items():
        assert "string default" not in text
        if run.startswith("keras_csv"):
            for trainer_only in ("eval_strategy", "max_grad_norm", "transformer", "Trainer"):
                assert trainer_only not in text, (run, text)
    assert "EarlyStoppingCallback" in advice["hf_bert_overfitting"]
    assert "for a transformer" in advice["hf_bert_stuck"]


def test_learning_rate_advice_names_the_logged_peak(tmp_path: Path) -> None:
    run = CORPUS / "trainer_state" / "whisper-small-braj"
    if not run.is_dir():
        pytest.skip("the public corpus is absent")
    out = tmp_path / "out"
    assert analyze([run], out, "--fail-on", "never", "--quiet").returncode == 0
    (document,) = json.loads((out / "summary.json").read_text(encoding="utf-8"))["runs"]
    text = _recommendations(document)
    assert "learning rate" in text and "logged peak" in text and "0.00298" in text
