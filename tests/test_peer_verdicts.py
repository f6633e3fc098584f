"""tools/peer_verdicts: the peers' outputs parsed, mapped to verdicts and scored.

The fixtures in tests/fixtures/peers/ are what the real peers printed on labelled runs of
tests/benchmark/dev (captured once; staged paths replaced by ``<staged>``). The last tests run
a real peer from .venv-peers (``make peers`` creates it) and skip when it is absent.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tools.peer_verdicts.execution import run_peer
from tools.peer_verdicts.invocation import Invocation
from tools.peer_verdicts.labels import load_set
from tools.peer_verdicts.layout import describe_run
from tools.peer_verdicts.mapping import IGNORED, UNREADABLE, VerdictMapping
from tools.peer_verdicts.mapping_search import agreement, best_mapping, plain_meaning
from tools.peer_verdicts.peers import PEERS_BY_NAME, trainproof
from tools.peer_verdicts.peers.base import Finding, PeerReport, unreadable
from tools.peer_verdicts.staging import staged_view

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "peers"
DEV_RUNS = REPO / "tests" / "benchmark" / "dev" / "runs"
PEERS_VENV = REPO / ".venv-peers"


def captured(peer: str, run: str) -> PeerReport:
    """A captured real output of ``peer`` on dev run ``run``, parsed by its adapter."""
    record = json.loads((FIXTURES / f"{peer}--{run}.json").read_text(encoding="utf-8"))
    call = Invocation(
        tuple(record["argv"]), record["returncode"], record["stdout"], record["stderr"], 0.1
    )
    return PEERS_BY_NAME[peer].parse([call])


def codes(report: PeerReport) -> set[str]:
    return {finding.code for finding in report.findings}


# --- parsing of real outputs ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "run", "expected"),
    [
        ("losslint", "diverged-tb-bounded-absurd-lr-transformer-tokens-s5", {"nan_inf:error"}),
        ("losslint", "overfitting-kcsv-small-subset-mlp-digits-s122", set()),
        (
            "runmedic",
            "diverged-tb-bounded-absurd-lr-transformer-tokens-s5",
            {"non_finite:critical"},
        ),
        (
            "runmedic",
            "overfitting-pl-small-subset-mlp-digits-s124",
            {"loss_spikes:info", "overfitting:warning"},
        ),
        (
            "trainproof",
            "diverged-hf-bounded-absurd-lr-transformer-tokens-s6",
            {"TP-NAN-GRAD:fail", "TP-ZERO-LOSS-ONSET:fail"},
        ),
        (
            "trainproof",
            "overfitting-pl-small-subset-mlp-digits-s124",
            {"TP-DIVERGE:fail", "TP-OVERFIT:warn"},
        ),
        (
            "trainproof",
            "diverged-pl-bounded-absurd-lr-transformer-tokens-s9",
            {"TP-NAN:fail", "TP-DIVERGE:fail"},
        ),
        (
            "trainspotter",
            "overfitting-hf-small-subset-mlp-digits-s121",
            {"lr_schedule:warning", "overfitting:warning"},
        ),
        (
            "finetune-doctor",
            "overfitting-hf-small-subset-mlp-digits-s121",
            {"overfitting:critical"},
        ),
    ],
)
def test_a_real_output_parses_into_its_finding_codes(
    peer: str, run: str, expected: set[str]
) -> None:
    report = captured(peer, run)
    assert report.readable
    assert codes(report) == expected


@pytest.mark.parametrize(
    ("peer", "complaint"),
    [("trainproof", "no readable training logs"), ("trainspotter", "no numeric metrics found")],
)
def test_a_peer_that_cannot_read_keras_tensorboard_folders_is_unreadable(
    peer: str, complaint: str
) -> None:
    report = captured(peer, "diverged-ktb-bounded-absurd-lr-mlp-digits-s8")
    assert not report.readable
    assert report.unreadable is not None and complaint in report.unreadable
    assert report.findings == ()


@pytest.mark.parametrize("peer", sorted(PEERS_BY_NAME))
def test_output_that_is_not_the_peers_json_is_unreadable(peer: str) -> None:
    crash = Invocation(("x",), 1, "Traceback (most recent call last):\n  boom", "", 0.1)
    timeout = Invocation(("x",), -1, "", "timed out after 120 s", 120.0)
    assert not PEERS_BY_NAME[peer].parse([crash]).readable
    report = PEERS_BY_NAME[peer].parse([timeout])
    assert report.unreadable == "timed out after 120 s"


def test_trainproof_is_told_lightnings_loss_column() -> None:
    step_and_epoch = describe_run(DEV_RUNS / "diverged-pl-bounded-absurd-lr-transformer-tokens-s9")
    (argv,) = trainproof.commands(step_and_epoch)
    assert argv[-2:] == ["--map", "loss=train_loss_step"]
    assert argv[-3].endswith("lightning_logs/version_0/metrics.csv")
    plain = describe_run(DEV_RUNS / "overfitting-pl-small-subset-mlp-digits-s124")
    (argv,) = trainproof.commands(plain)
    assert "--map" not in argv


# --- layout and staging on real labelled runs -------------------------------------------------


@pytest.mark.parametrize(
    ("run", "expected", "log_file"),
    [
        (
            "diverged-hf-edge-of-stability-linear-regression-s16",
            "trainer_state",
            "trainer_state.json",
        ),
        ("diverged-kcsv-bounded-absurd-lr-mlp-digits-s7", "keras_csv", "training.log"),
        ("diverged-ktb-bounded-absurd-lr-mlp-digits-s8", "keras_tensorboard", "events.out"),
        ("diverged-pl-bounded-absurd-lr-transformer-tokens-s9", "lightning_csv", "metrics.csv"),
        ("diverged-tb-bounded-absurd-lr-transformer-tokens-s5", "tensorboard", "events.out"),
    ],
)
def test_the_format_of_a_labelled_run_folder_is_recognised(
    run: str, expected: str, log_file: str
) -> None:
    layout = describe_run(DEV_RUNS / run)
    assert layout.format == expected
    assert layout.log_files
    assert all(log_file in path.name for path in layout.log_files)


def test_the_staged_view_shows_a_keras_training_log_as_csv_and_changes_nothing() -> None:
    folder = DEV_RUNS / "diverged-kcsv-bounded-absurd-lr-mlp-digits-s7"
    before = {path.name: path.read_bytes() for path in folder.iterdir()}
    with staged_view(describe_run(folder)) as staged:
        (shown,) = staged.files
        assert shown.name == "training.csv"
        assert shown.is_symlink()
        assert shown.read_bytes() == before["training.log"]
    assert {path.name: path.read_bytes() for path in folder.iterdir()} == before


# --- mapping ----------------------------------------------------------------------------------


def report_of(*findings: tuple[str, str]) -> PeerReport:
    return PeerReport(tuple(Finding(check, severity, "") for check, severity in findings))


def test_the_precedence_order_picks_among_mapped_findings() -> None:
    mapping = VerdictMapping(
        codes={"nan:error": "diverged", "plateau:info": "stuck", "spike:warning": "unstable"},
        precedence=(
            "stuck", "diverged", "unstable", "overfitting", "underfitting", "not_converged",
            "insufficient_data", "healthy",
        ),
    )  # fmt: skip
    both = report_of(("plateau", "info"), ("nan", "error"))
    assert mapping.predict(both) == "stuck"
    severity_first = VerdictMapping(
        codes=mapping.codes, precedence=mapping.precedence, severity_first=True
    )
    assert severity_first.predict(both) == "diverged"


def test_no_mapped_finding_gives_the_no_findings_verdict_and_unreadable_never_matches() -> None:
    mapping = VerdictMapping(codes={"lr:warning": IGNORED}, no_findings="healthy")
    assert mapping.predict(report_of()) == "healthy"
    assert mapping.predict(report_of(("lr", "warning"), ("never-seen", "error"))) == "healthy"
    assert mapping.predict(unreadable("cannot read")) == UNREADABLE
    assert mapping.with_no_findings("stuck").predict(report_of()) == "stuck"


def test_plain_meanings_of_real_codes() -> None:
    assert plain_meaning("non_finite:critical") == "diverged"
    assert plain_meaning("TP-NAN-GRAD:fail") == "diverged"
    assert plain_meaning("overfit_onset:info") == "overfitting"
    assert plain_meaning("stagnation:info") == "stuck"
    assert plain_meaning("loss_spikes:warning") == "unstable"
    assert plain_meaning("lr_schedule:warning") == IGNORED


def test_the_search_finds_the_assignment_that_agrees_with_the_labels() -> None:
    # A peer that calls every overfitting run "lr_schedule" and every healthy one "throughput":
    # only a mapping the names do not suggest gets them right, and the search must find it.
    labelled = [
        (report_of(("lr_schedule", "warning")), "overfitting"),
        (report_of(("lr_schedule", "warning"), ("throughput", "info")), "overfitting"),
        (report_of(("throughput", "info")), "healthy"),
        (report_of(("nan", "error"), ("throughput", "info")), "diverged"),
        (report_of(), "insufficient_data"),
        (report_of(), "insufficient_data"),
        (unreadable("no reader"), "stuck"),
    ]
    mapping = best_mapping(labelled)
    assert agreement(mapping, labelled) == 6
    assert mapping.codes["lr_schedule:warning"] == "overfitting"
    assert mapping.codes["nan:error"] == "diverged"
    assert mapping.no_findings == "insufficient_data"
    assert [mapping.predict(report) for report, _ in labelled[:4]] == [
        "overfitting", "overfitting", "healthy", "diverged",
    ]  # fmt: skip
    fixed = best_mapping(labelled, no_findings="healthy")
    assert fixed.no_findings == "healthy"
    assert agreement(fixed, labelled) == 4


def test_the_search_on_captured_outputs_maps_them_to_their_labels() -> None:
    labelled = [
        (captured("runmedic", "diverged-tb-bounded-absurd-lr-transformer-tokens-s5"), "diverged"),
        (captured("runmedic", "overfitting-pl-small-subset-mlp-digits-s124"), "overfitting"),
    ]
    mapping = best_mapping(labelled)
    assert [mapping.predict(report) for report, _ in labelled] == ["diverged", "overfitting"]


# --- labelled sets ----------------------------------------------------------------------------


def test_a_split_folder_is_read_with_its_secondary_labels() -> None:
    dev = load_set(REPO / "tests" / "benchmark" / "dev")
    assert dev.name == "dev"
    with (REPO / "tests" / "benchmark" / "dev" / "labels.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(dev.runs) == len(rows)
    assert all(run.folder.is_dir() for run in dev.runs)
    with_secondary = next(run for run in dev.runs if run.secondary)
    assert with_secondary.accepts(with_secondary.secondary)
    assert with_secondary.accepts(with_secondary.verdict)


def test_the_public_corpus_is_read_with_our_labels(corpus: Path) -> None:
    public = load_set(corpus)
    assert public.name == "public"
    assert sum(run.folder.is_dir() for run in public.runs) == len(public.runs)
    assert {run.confidence for run in public.runs} <= {"high", "medium", "low"}


# --- real peers (skipped without .venv-peers) -------------------------------------------------

needs_peers = pytest.mark.skipif(
    not (PEERS_VENV / "bin" / "runmedic").exists(), reason="no .venv-peers (make peers)"
)


@needs_peers
def test_a_real_peer_on_a_real_labelled_run_through_the_cache(tmp_path: Path) -> None:
    folder = DEV_RUNS / "diverged-tb-bounded-absurd-lr-transformer-tokens-s5"
    peer = PEERS_BY_NAME["runmedic"]
    first = run_peer(peer, "test", folder, PEERS_VENV / "bin", tmp_path)
    assert first.format == "tensorboard"
    assert "non_finite:critical" in codes(first.report)
    (cached,) = (tmp_path / "runmedic").glob("*.json")
    second = run_peer(peer, "test", folder, PEERS_VENV / "bin", tmp_path)
    assert second.report == first.report
    assert list((tmp_path / "runmedic").glob("*.json")) == [cached]


@needs_peers
def test_the_cli_scores_a_real_peer_on_a_small_labelled_split(tmp_path: Path) -> None:
    runs = {
        "diverged-tb-bounded-absurd-lr-transformer-tokens-s5": "diverged",
        "overfitting-pl-small-subset-mlp-digits-s124": "overfitting",
        "diverged-kcsv-bounded-absurd-lr-mlp-digits-s7": "diverged",
    }
    split = tmp_path / "dev"
    (split / "runs").mkdir(parents=True)
    lines = ["run,verdict,secondary"] + [f"{run},{verdict}," for run, verdict in runs.items()]
    (split / "labels.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for run in runs:
        (split / "runs" / run).symlink_to(DEV_RUNS / run, target_is_directory=True)
    out = tmp_path / "peers.md"
    done = subprocess.run(
        [
            sys.executable, "-m", "tools.peer_verdicts", str(split), "--peers", "runmedic",
            "--jobs", "1", "--cache-dir", str(tmp_path / "cache"), "--out", str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "| runmedic 0.1.1 | 100 % (3/3) |" in text
    assert "| keras_csv | 100 % (1/1) |" in text
    assert "`non_finite:critical` | diverged |" in text
