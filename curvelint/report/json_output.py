"""report.json and summary.json: the report model as data, following :mod:`json_schema`.

Non-finite numbers become ``"nan"``/``"inf"``/``"-inf"`` strings; ``<``, ``>`` and ``&`` are
written as ``\\u`` escapes so the JSON can be embedded in an HTML page without turning a run
named ``</script>`` into markup.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from curvelint import __version__
from curvelint.configuration import Configuration
from curvelint.diagnosis.checks import Check, CheckStatus
from curvelint.diagnosis.findings import Finding
from curvelint.report.changes import Change
from curvelint.report.escape import shown_text
from curvelint.report.json_schema import SCHEMA_VERSION
from curvelint.report.model import RunReport, SkippedItem

JsonObject = dict[str, Any]
_SURROGATE = re.compile("[\ud800-\udfff]")
_HTML_SAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def json_number(value: float | int | str | bool | None) -> float | int | str | bool | None:
    """A value JSON can hold: non-finite floats as their names, everything else as it is."""
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _tool() -> JsonObject:
    return {"name": "curvelint", "version": __version__}


def _finding(finding: Finding) -> JsonObject:
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "confidence": json_number(float(finding.confidence)),
        "message": finding.message,
        "recommendation": finding.recommendation,
        "series": finding.series,
        "evidence": {str(key): json_number(value) for key, value in finding.evidence.items()},
    }


def _check(check: Check) -> JsonObject:
    return {
        "id": check.id,
        "name": check.name,
        "status": check.status.value,
        "reason": check.reason,
    }


def document_checks(document: JsonObject) -> tuple[Check, ...]:
    """The checks a run's report.json lists, back as :class:`Check` (a run's document may come
    from the cache, through JSON); none when the list is not one this module wrote."""
    try:
        return tuple(
            Check(item["id"], item["name"], CheckStatus(item["status"]), item["reason"])
            for item in document.get("checks", ())
        )
    except (KeyError, TypeError, ValueError):
        return ()


CHANGE_DIGITS = 10  # a change-point's shift to 10 significant digits: the last bits of a
# residual mean depend on summation order, and report.json should not


def _rounded(value: object) -> object:
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{CHANGE_DIGITS}g}")
    return value


def _change(change: Change) -> JsonObject:
    document: JsonObject = {
        key: json_number(_rounded(value))  # type: ignore[arg-type]
        for key, value in asdict(change).items()
    }
    document["description"] = change.description
    return document


def _skipped(item: SkippedItem) -> JsonObject:
    return asdict(item)


def run_document(report: RunReport) -> JsonObject:
    """report.json of one run."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": _tool(),
        "run": report.name,
        "folder": report.folder,
        "format": report.format,
        "verdict": report.verdict,
        "reason": report.reason,
        "confidence": json_number(report.confidence),
        "secondary_verdict": report.secondary,
        "overview": {key: json_number(value) for key, value in asdict(report.overview).items()},
        "main_series": report.main.key if report.main else None,
        "series": [
            {key: json_number(value) for key, value in asdict(series).items()}
            for series in report.series
        ],
        "findings": [_finding(finding) for finding in report.findings],
        "checks": [_check(check) for check in report.checks],
        "plots": [plot.file_name for plot in report.plots],
        "changepoints": [_change(change) for change in report.changes],
        "skipped": [_skipped(item) for item in report.skipped],
        "notes": list(report.notes),
        "configuration": configuration_document(report.configuration),
    }


def configuration_document(configuration: Configuration) -> JsonObject:
    """The run's settings by name, how many more were left out, and where they came from."""
    return {
        "values": dict(configuration.values),
        "omitted": configuration.omitted,
        "sources": list(configuration.sources),
    }


def summary_document(runs: Sequence[JsonObject], skipped: Sequence[SkippedItem]) -> JsonObject:
    """summary.json: every run's document, in the order given, and what was skipped."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": _tool(),
        "runs": list(runs),
        "verdicts": dict(Counter(str(run["verdict"]) for run in runs)),
        "skipped": [_skipped(item) for item in skipped],
    }


def dumps(document: JsonObject) -> str:
    """Indented, key order kept, strict JSON (no NaN), HTML-safe, with a final newline."""
    text = json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
    # A file name that is not UTF-8 holds lone surrogates, which no UTF-8 file can: show its
    # bytes as the characters ``\\xff`` (the backslash escaped, as inside any JSON string).
    text = _SURROGATE.sub(lambda match: shown_text(match.group()).replace("\\", "\\\\"), text)
    for character, escaped in _HTML_SAFE.items():
        text = text.replace(character, escaped)
    return text + "\n"
