"""The promises a report keeps, checked on a report.json document and the run behind it.

- A verdict is never milder than an error finding: a run with an error finding is never green.
- The reason is the first finding's message; the other findings are sorted most severe first.
- Every number in the reason is one of the first finding's evidence values, formatted as the
  sentence formats it; a number quoted "at step S" is a point logged at step S.
- ``best_value``/``best_step`` and ``last_value``/``last_step`` evidence of a series are the
  table's Best and Last of that series.
- A projection quoted beside "still falling" is below the training loss's final level: a fit
  that projects no gain would contradict the sentence it sits in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from curvelint.diagnosis.wording import number, percent, signed_percent, times
from curvelint.report.evidence_labels import evidence_label
from curvelint.verdicts import FACTS, SEVERITY_ORDER, Severity

# A number as the sentences write them: 0.677, 1.63e+04, 2,600, -0.5, 94 % (the % is kept).
NUMBER = re.compile(
    r"(?<![\w./-])(?P<sign>[-+±]?)(?P<digits>\d(?:[\d,]*\d)?(?:\.\d+)?(?:e[+-]\d+)?)"
    r"(?P<unit> ?%|x(?![\w]))?"
)
# "0.677 at step 20", "0.76 at epoch 5": a raw value and the step it was logged at.
RAW_QUOTE = re.compile(
    r"(?P<value>-?\d[\d,]*(?:\.\d+)?(?:e[+-]\d+)?) at (?P<unit>step|epoch) (?P<step>\d[\d,]*)"
)
# Positions need no evidence of their own: "(epoch 5)" names the epoch of a quoted step, and
# "ln 2" the class count of a random guess whose loss is in the evidence.
POSITION = re.compile(
    r"\(epoch [\d.,]+\)|\bln \d+\b|\b(?:step|steps|epoch|epochs) \d[\d,]*(?:–\d[\d,]*)?"
)


def _renderings(value: Any) -> set[str]:
    """Every way a sentence may print an evidence value."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return {str(value)}
    number_value = float(value)
    if not math.isfinite(number_value):
        return {number(number_value)}
    shown = {number(number_value), number(-number_value), number(abs(number_value))}
    shown |= {percent(number_value), percent(abs(number_value)), signed_percent(number_value)}
    shown |= {signed_percent(-number_value), times(abs(number_value))}
    if number_value == int(number_value):
        shown |= {f"{int(number_value):,}", str(int(number_value))}
    return {text.replace(" ", "") for text in shown}


def _numbers(text: str) -> Iterator[str]:
    stripped = POSITION.sub(" ", text)
    for match in NUMBER.finditer(stripped):
        sign = match["sign"].replace("±", "")
        yield (sign + match["digits"] + (match["unit"] or "")).replace(" ", "")


def reason_problems(document: dict[str, Any], frame: pd.DataFrame | None) -> list[str]:
    """What in one run's report.json breaks the promises above (empty when none)."""
    findings = document["findings"]
    verdict, reason = document["verdict"], document["reason"]
    if verdict == "unreadable" or not findings:
        return []
    problems = []
    if findings[0]["message"] != reason:
        problems.append("the reason is not the first finding's message")
    ranks = [SEVERITY_ORDER[Severity(f["severity"])] for f in findings[1:]]
    if ranks != sorted(ranks):
        problems.append(f"findings after the first are not most severe first: {ranks}")
    errors = [f["code"] for f in findings if f["severity"] == Severity.ERROR]
    if errors and FACTS[verdict].severity is not Severity.ERROR:
        problems.append(f"verdict {verdict} beside error findings {errors}")
    evidence = findings[0]["evidence"]
    allowed = set().union(*(_renderings(value) for value in evidence.values()))
    for quoted in _numbers(reason):
        if quoted not in allowed:
            problems.append(f"{quoted!r} in the reason is not in the evidence {evidence}")
    if frame is not None:
        problems += _raw_quote_problems(reason, frame)
    problems += _table_problems(document, findings[0])
    problems += _projection_problems(document, findings[0])
    problems += [p for finding in findings for p in _repeated_rows(finding)]
    return problems


def _repeated_rows(finding: dict[str, Any]) -> list[str]:
    """Two evidence rows of one finding under the same label: the table would say it twice."""
    labels = [evidence_label(key) for key in finding["evidence"]]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    return [f"{finding['code']}: evidence label {label!r} twice" for label in repeated]


def _projection_problems(document: dict[str, Any], finding: dict[str, Any]) -> list[str]:
    projection = finding["evidence"].get("projection")
    train = [s for s in document["series"] if (s["metric"], s["split"]) == ("loss", "train")]
    if projection is None or not train or not isinstance(train[0].get("final_level"), float):
        return []
    final = train[0]["final_level"]
    if number(projection) in finding["message"] and projection >= final:
        return [f"projection {number(projection)} is not below the final level {number(final)}"]
    return []


def _raw_quote_problems(reason: str, frame: pd.DataFrame) -> list[str]:
    problems = []
    for match in RAW_QUOTE.finditer(reason):
        step = int(match["step"].replace(",", ""))
        at_step = frame.loc[frame["step"] == step, "value"].to_numpy(dtype=np.float64)
        shown = {number(float(value)) for value in at_step}
        if match["value"] not in shown:
            problems.append(f"{match[0]!r}: no point logged at step {step} reads {match['value']}")
    return problems


def _table_problems(document: dict[str, Any], finding: dict[str, Any]) -> list[str]:
    table = {
        f"{s['metric']}/{s['split']}" if s["split"] else s["metric"]: s for s in document["series"]
    }
    row = table.get(finding["series"])
    evidence = finding["evidence"]
    if row is None:
        return []
    problems = []
    pairs = (("best_value", "best_step", "best_value", "best_step"),)
    pairs += (("last_value", "last_step", "final_value", "final_step"),)
    for value_key, step_key, table_value, table_step in pairs:
        quoted = (evidence.get(value_key), evidence.get(step_key))
        if value_key in evidence and quoted != (row[table_value], row[table_step]):
            problems.append(
                f"{value_key} {evidence[value_key]} @ {evidence[step_key]} is not the "
                f"table's {row[table_value]} @ {row[table_step]}"
            )
    level, shown = evidence.get("final_level"), row.get("final_level")
    comparable = isinstance(level, int | float) and isinstance(shown, int | float)
    if comparable and number(level) != number(shown):  # the same final level, read alike
        problems.append(f"final level {number(level)} is not the table's {number(shown)}")
    return problems
