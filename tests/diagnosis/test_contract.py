"""What every diagnosis promises the report, whatever the curves: the verdict's own finding
first, the rest sorted most severe first, a verdict never milder than an error finding,
confidences in [0, 1], messages with numbers, and the impossible cases that must never happen."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curvelint.diagnosis import SEVERITY_ORDER, Diagnosis, Severity, Verdict
from curvelint.verdicts import FACTS
from tests import synthetic
from tests.diagnosis.helpers import decay, diagnose_curves, flat, straight, subsample

VERDICT_CODES = {verdict.value for verdict in Verdict}

SHAPES = {
    "decay": lambda seed: decay(300, 2.3, 0.2, noise=0.02, seed=seed),
    "plateau": lambda seed: decay(300, 2.3, 1.5, rate=15, noise=0.02, seed=seed),
    "straight": lambda seed: straight(300, 2.3, 1.0, noise=0.02, seed=seed),
    "flat": lambda seed: flat(300, 1.1, noise=0.02, seed=seed),
    "oscillating": lambda seed: synthetic.oscillating(300, amplitude=0.5, period=30, seed=seed),
    "spike": lambda seed: synthetic.spike(300, spike_index=150, height=3.0, seed=seed),
}


def check_contract(diagnosis: Diagnosis) -> None:
    """The invariants every diagnosis must hold."""
    primary = diagnosis.findings[0]
    assert diagnosis.primary is primary
    assert diagnosis.reason == primary.message
    verdict_severity = FACTS[diagnosis.verdict.value].severity
    if primary.code in VERDICT_CODES:
        assert primary.code == diagnosis.verdict.value
    else:  # escalated: the error finding that made a mild reading untrustworthy
        assert primary.severity is Severity.ERROR
        assert verdict_severity is Severity.ERROR
    ranks = [SEVERITY_ORDER[f.severity] for f in diagnosis.findings[1:]]
    assert ranks == sorted(ranks)
    if any(f.severity is Severity.ERROR for f in diagnosis.findings):
        assert verdict_severity is Severity.ERROR, diagnosis
    for item in diagnosis.findings:
        assert 0.0 <= item.confidence <= 1.0
        assert any(character.isdigit() for character in item.message), item.message
        assert item.message.endswith("."), item.message
        assert item.recommendation
        assert all(isinstance(v, int | float | str | bool | None) for v in item.evidence.values())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    train_shape=st.sampled_from(sorted(SHAPES)),
    eval_shape=st.sampled_from([*sorted(SHAPES), None]),
    seed=st.integers(0, 1000),
)
def test_every_diagnosis_keeps_the_contract(
    train_shape: str, eval_shape: str | None, seed: int
) -> None:
    curves = {"train/loss": SHAPES[train_shape](seed)}
    if eval_shape is not None:
        curves["eval/loss"] = subsample(SHAPES[eval_shape](seed + 1), 15)
    check_contract(diagnose_curves(curves))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shape=st.sampled_from(sorted(SHAPES)),
    where=st.floats(0.0, 1.0),
    kind=st.sampled_from([math.nan, math.inf, -math.inf]),
    split=st.sampled_from(["train/loss", "eval/loss"]),
    seed=st.integers(0, 1000),
)
def test_no_run_with_a_non_finite_loss_is_healthy(
    shape: str, where: float, kind: float, split: str, seed: int
) -> None:
    curves = {
        "train/loss": SHAPES[shape](seed),
        "eval/loss": subsample(SHAPES["decay"](seed + 1), 15),
    }
    steps, values = curves[split]
    values = values.copy()
    values[min(len(values) - 1, int(where * len(values)))] = kind
    curves[split] = (steps, values)
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is Verdict.DIVERGED
    assert diagnosis.severity is Severity.ERROR
    check_contract(diagnosis)


def test_a_constant_zero_loss_is_flagged() -> None:
    curves = {
        "train/loss": (np.arange(50), np.r_[np.linspace(1.0, 0.2, 10), np.zeros(40)] * 0 + 0.0),
        "eval/loss": subsample(decay(50, 1.0, 0.3), 5),
    }
    diagnosis = diagnose_curves(curves)
    assert diagnosis.verdict is not Verdict.HEALTHY
    assert diagnosis.severity is Severity.ERROR
    assert "zero_loss" in {f.code for f in diagnosis.findings}
