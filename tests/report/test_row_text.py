"""The short texts of one-line rows: reasons cut at a clause, never inside a number or a
parenthesis; names cut so that two runs of one experiment still differ."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from curvelint.report.row_text import distinct_names, short_reason

REASON = (
    "loss/train stayed at its initial level: start level 2.21, final level 2.12 (-4.3 %) up "
    "to epoch 34, its trend never more than 4.4 % away from the start; a random guess among 9 "
    "classes (inferred) scores ln 9 = 2.2"
)
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def test_a_short_reason_is_kept_whole() -> None:
    assert short_reason("the loss became NaN at step 45.") == "the loss became NaN at step 45."


def test_a_long_reason_is_cut_at_a_clause_with_an_ellipsis() -> None:
    cut = short_reason(REASON, 100)
    assert len(cut) <= 100 and cut.endswith("…")
    assert cut == REASON[: REASON.index(", its trend")] + " …"  # a number, then " …"


@given(
    st.lists(
        st.sampled_from(["level", "0.0258", "2,600", "(-4.3 %)", "fell", "at", "step", "x;"]),
        min_size=5,
        max_size=60,
    ),
    st.integers(20, 120),
)
def test_a_cut_never_splits_a_number_or_leaves_a_parenthesis_open(
    words: list[str], limit: int
) -> None:
    text = " ".join(words)
    cut = short_reason(text, limit)
    assert len(cut) <= limit
    kept = cut.removesuffix("…").rstrip()
    assert text.startswith(kept)
    numbers_in_text = set(NUMBER.findall(text))
    assert set(NUMBER.findall(kept)) <= numbers_in_text  # no number lost digits
    if cut != text:
        assert kept.count("(") == kept.count(")") or kept.rfind("(") < 0.6 * limit


def test_names_of_one_experiment_stay_apart() -> None:
    names = [
        "mlflow/artic-project/mlruns/481099135687968271/5371314d38a8413386c9b7958cc7127c",
        "mlflow/artic-project/mlruns/481099135687968271/8aa1ac6397bf43a08acd19bf6a4ae5c0",
        "short",
    ]
    shown = distinct_names(names, 40)
    assert len(set(shown)) == 3 and shown[2] == "short"
    assert all(len(name) <= 40 for name in shown)
    assert shown[0].startswith("mlflow/") and shown[0].endswith("c7127c")
