"""Real runs from public repositories (../shared/corpus/public): the verdicts that must hold
whatever the thresholds become — NaN is diverged, a lone NaN grad norm is not, a textbook
overfit is overfitting, a loss pinned at ln C is stuck, a zero loss is flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from curvelint.config import Config
from curvelint.diagnosis import Diagnosis, Severity, Verdict
from curvelint.evaluate import diagnose
from curvelint.runs import read_runs


def _diagnose(corpus: Path, folder: str) -> Diagnosis:
    report = read_runs([corpus / folder])
    assert len(report.runs) == 1, [f.error for f in report.failed]
    return diagnose(report.runs[0], Config())


@pytest.mark.parametrize(
    ("folder", "verdict"),
    [
        ("tfevents/action-emotion-nan", Verdict.DIVERGED),
        ("tfevents/brain-tumor-lightning-nan/version_3", Verdict.DIVERGED),
        ("trainer_state/mti881-ner-default", Verdict.OVERFITTING),
        ("trainer_state/whisper-small-hi-merlinmy", Verdict.OVERFITTING),
        ("keras_csv/voice-id-speaker250", Verdict.OVERFITTING),
        ("keras_csv/braincnn-predict-age", Verdict.STUCK),
        ("trainer_state/whisper-tiny-nbailab", Verdict.HEALTHY),
        ("trainer_state/bart-samsum-rnpcs", Verdict.INSUFFICIENT_DATA),
    ],
)
def test_clear_real_runs_get_their_verdict(corpus: Path, folder: str, verdict: Verdict) -> None:
    assert _diagnose(corpus, folder).verdict is verdict


def test_the_course_example_numbers_for_a_real_overfit(corpus: Path) -> None:
    diagnosis = _diagnose(corpus, "trainer_state/mti881-ner-default")
    assert diagnosis.reason.startswith(
        "loss/eval lowest 0.4071 at step 2,910 (epoch 2), then +61 % to final level 0.6562"
    )


def test_a_lone_nan_grad_norm_in_a_real_run_is_a_warning_not_divergence(corpus: Path) -> None:
    diagnosis = _diagnose(corpus, "trainer_state/tech-challenge-nan-gradnorm")
    assert diagnosis.verdict is not Verdict.DIVERGED
    assert "nan_grad_norm" in {f.code for f in diagnosis.findings}


def test_a_real_loss_that_collapses_to_exact_zero_is_an_error(corpus: Path) -> None:
    diagnosis = _diagnose(corpus, "trainer_state/hate-speech-collapse")
    assert diagnosis.severity is Severity.ERROR
    assert diagnosis.findings[0].code == "zero_loss"


def test_no_corpus_run_with_a_non_finite_loss_is_healthy(corpus: Path) -> None:
    report = read_runs([corpus])
    checked = 0
    for run in report.runs:
        losses = run.frame[run.frame["metric"].astype(str).str.contains("loss")]
        if losses["value"].notna().all() and losses["value"].abs().lt(float("inf")).all():
            continue
        checked += 1
        assert diagnose(run, Config()).verdict is Verdict.DIVERGED, run.name
    assert checked >= 2
