"""report.json and summary.json follow the documented, versioned schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from curvelint.report.build import build_run_report, unreadable_report
from curvelint.report.json_output import dumps, run_document, summary_document
from curvelint.report.json_schema import (
    RUN_SCHEMA,
    SCHEMA_VERSION,
    documented_schemas,
    summary_schema,
)
from curvelint.report.model import SkippedItem
from tests.report.builders import diverged_run, overfitting_run

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"


def _documents() -> list[dict]:  # type: ignore[type-arg]
    documents = []
    for maker in (overfitting_run, diverged_run):
        run, analysis, diagnosis = maker()
        documents.append(run_document(build_run_report(run, analysis, diagnosis, folder=run.name)))
    documents.append(
        run_document(unreadable_report("bad", "keras_csv", "bad: empty", folder="bad"))
    )
    return documents


def _validate(document: dict, schema: dict) -> None:  # type: ignore[type-arg]
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


@pytest.mark.parametrize("position", [0, 1, 2])
def test_each_report_json_validates_after_a_round_trip(position: int) -> None:
    document = json.loads(dumps(_documents()[position]))
    _validate(document, RUN_SCHEMA)
    assert document["schema_version"] == SCHEMA_VERSION


def test_summary_json_validates_and_counts_verdicts() -> None:
    summary = summary_document(_documents(), [SkippedItem("x.txt", "", "not a log", 1)])
    document = json.loads(dumps(summary))
    _validate(document, summary_schema())
    assert document["verdicts"] == {"overfitting": 1, "diverged": 1, "unreadable": 1}
    assert [run["run"] for run in document["runs"]] == ["overfit", "diverged", "bad"]


def test_non_finite_numbers_are_names_and_the_json_is_strict() -> None:
    text = dumps(_documents()[1])
    document = json.loads(text, parse_constant=lambda name: pytest.fail(f"bare {name} in JSON"))
    (loss,) = document["series"]
    assert (loss["ends_with"], loss["first_non_finite_kind"], loss["final_step"]) == (
        "nan",
        "nan",
        44,
    )
    assert document["findings"][0]["evidence"]["value_before"] == "nan"


def test_a_schema_violation_is_caught() -> None:
    document = _documents()[0]
    document["verdict"] = "fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(RUN_SCHEMA).validate(document)


def test_markup_in_names_is_escaped_for_embedding_in_html() -> None:
    document = _documents()[2]
    document["run"] = "</script><b>&"
    text = dumps(document)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["run"] == "</script><b>&"


def test_the_committed_schema_file_is_the_schema() -> None:
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == documented_schemas(), (
        "regenerate: python -m curvelint.report.json_schema > docs/report.schema.json"
    )
