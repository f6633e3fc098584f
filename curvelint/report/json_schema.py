"""The JSON Schema of report.json and summary.json (``schema_version`` 1), documented in place.

Stability: within one ``schema_version`` keys are only ever added, never renamed or removed,
and their meaning does not change. Numbers that were NaN or ±inf in the log are written as the
strings ``"nan"``, ``"inf"`` and ``"-inf"`` (JSON has no such numbers); ``null`` means "not
applicable". ``docs/report.schema.json`` is this schema as a file (a test keeps them equal).
"""

from __future__ import annotations

from typing import Any

from curvelint.verdicts import VERDICT_ORDER

SCHEMA_VERSION = 1
SCHEMA_ID = "https://curvelint.invalid/schema/report-1.json"

_NON_FINITE = {"type": "string", "enum": ["nan", "inf", "-inf"]}
_NUMBER = {"anyOf": [{"type": "number"}, _NON_FINITE, {"type": "null"}]}
_STEP = {"type": ["integer", "null"]}


def _text(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def _object(properties: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "required": sorted(properties),
        "properties": properties,
    }


_TOOL = _object(
    {"name": {"const": "curvelint"}, "version": _text("curvelint's version")},
    "What wrote the file.",
)

_SERIES = _object(
    {
        "metric": _text("canonical metric: loss, accuracy, learning_rate, grad_norm, f1…"),
        "split": _text('"train", "eval", "test" or "" (no split: learning rate, grad norm)'),
        "tag": _text("the name as logged"),
        "direction": {"enum": [-1, 0, 1], "description": "-1 lower is better, 1 higher, 0 neither"},
        "points": {"type": "integer", "description": "points logged"},
        "finite_points": {"type": "integer"},
        "first_step": {"type": "integer"},
        "last_step": {"type": "integer"},
        "final_value": {**_NUMBER, "description": "last finite value (null when none)"},
        "final_step": {**_STEP, "description": "step of final_value"},
        "best_value": {**_NUMBER, "description": "best finite value (null when direction is 0)"},
        "best_step": _STEP,
        "final_level": {
            **_NUMBER,
            "description": "median of the last 10 % of the finite values (at least 3): the "
            "final level reasons and compare quote",
        },
        "ends_with": {
            "enum": ["nan", "inf", "-inf", None],
            "description": "the very last point's value when it was not finite",
        },
        "first_non_finite_step": _STEP,
        "first_non_finite_kind": {"enum": ["nan", "inf", "-inf", None]},
        "step_unit": {
            "enum": ["step", "epoch"],
            "description": 'what its steps count: "step" (optimizer steps, iterations) or '
            '"epoch" (a log that writes the epoch as its step: Keras\' CSVLogger, epoch_* tags)',
        },
    },
    "Summary numbers of one curve (metric × split).",
)

_FINDING = _object(
    {
        "code": _text("stable identifier of the rule: overfitting, loss_spike, nan_grad_norm…"),
        "severity": {"enum": ["error", "warning", "info"]},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "message": _text("one sentence with the evidence in numbers and steps"),
        "recommendation": _text("concrete advice"),
        "series": _text('the curve it is about, e.g. "loss/eval"; "" for the whole run'),
        "evidence": {
            "type": "object",
            "description": "the numbers behind the message, by name (e.g. onset_step)",
            "additionalProperties": {
                "anyOf": [{"type": ["number", "string", "boolean", "null"]}, _NON_FINITE]
            },
        },
    },
    "One thing the rules noticed, most severe first.",
)

_CHECK = _object(
    {
        "id": _text("stable identifier of the check: its finding code (overfitting, cut_short…)"),
        "name": _text("what it checks, in a few words"),
        "status": {
            "enum": ["found", "passed", "skipped"],
            "description": "found: it wrote a finding above; passed: it ran on the inputs it "
            "needs and found nothing; skipped: it did not run",
        },
        "reason": _text(
            'why it was skipped (the missing input, e.g. "no eval loss logged"); "" when it ran'
        ),
    },
    "One check of the diagnosis, in the order the rules run.",
)

_SKIPPED = _object(
    {
        "path": _text("the file"),
        "where": _text('location inside the file ("line 17", "byte 1234"), "" for all of it'),
        "why": _text("what was wrong"),
        "count": {"type": "integer", "minimum": 1, "description": "records covered"},
    },
    "Something the readers could not use, and why.",
)

_OVERVIEW = _object(
    {
        "first_step": _STEP,
        "last_step": _STEP,
        "points": {"type": "integer", "description": "points logged, every series"},
        "epochs": {"type": ["number", "null"], "description": "last epoch logged"},
        "duration_seconds": {
            "type": ["number", "null"],
            "description": "wall-clock time from first to last point, where wall times exist",
        },
    },
    "Run-level numbers.",
)

CONFIGURATION = _object(
    {
        "values": {
            "type": "object",
            "description": "settings by name (nested names dotted: optimizer.lr), as logged, "
            "each name and value cut to 200 characters; at most 500",
            "additionalProperties": {"type": "string"},
        },
        "omitted": {"type": "integer", "minimum": 0, "description": "settings left out"},
        "sources": {
            "type": "array",
            "items": {"type": "string"},
            "description": "where they came from: hparams, MLflow params, W&B config, "
            "Trainer state",
        },
    },
    "How the run was configured, as its logs say (empty when they do not).",
)

_VERDICTS = list(VERDICT_ORDER)

_CHANGEPOINT = _object(
    {
        "series": _text('the curve that changed, e.g. "loss/train"'),
        "step": {"type": "integer", "description": "the first step of the new stretch"},
        "shift": {"type": "number", "description": "jump of the level from the trend"},
        "shift_noise_units": {"type": "number", "description": "the shift over the noise"},
        "before": {
            "type": ["string", "null"],
            "description": "how the curve moved before: falling, plateau, rising, "
            "spike_and_recovery, blow_up",
        },
        "after": {"type": ["string", "null"], "description": "how the curve moved after"},
        "learning_rate_drop_step": {
            "type": ["integer", "null"],
            "description": "the learning-rate drop that explains it, if one was logged",
        },
        "description": _text("what changed, in words"),
    },
    "A change-point drawn as a dotted line on loss.png.",
)

RUN_PROPERTIES: dict[str, Any] = {
    "schema_version": {"const": SCHEMA_VERSION},
    "tool": _TOOL,
    "run": _text("the run's name: its path relative to the folder analysed"),
    "folder": _text("the run's folder under the output directory"),
    "format": _text("tensorboard, trainer_state, keras_csv…"),
    "verdict": {"enum": _VERDICTS, "description": "unreadable: the run could not be read"},
    "reason": _text("the verdict in one sentence (for unreadable, the error)"),
    "confidence": {
        "type": ["number", "null"],
        "minimum": 0,
        "maximum": 1,
        "description": "how sure the verdict is (its finding's confidence; null if unreadable)",
    },
    "secondary_verdict": {
        "enum": [*_VERDICTS, None],
        "description": "a second verdict whose definition the run also meets, if any",
    },
    "overview": _OVERVIEW,
    "main_series": {
        "type": ["string", "null"],
        "description": 'the series the index summarises, e.g. "loss/train"',
    },
    "series": {"type": "array", "items": _SERIES},
    "findings": {"type": "array", "items": _FINDING},
    "checks": {
        "type": "array",
        "items": _CHECK,
        "description": "every check: which ran (found something or passed) and which were "
        "skipped, and why; empty for an unreadable run",
    },
    "plots": {"type": "array", "items": {"type": "string"}, "description": "PNG file names"},
    "changepoints": {"type": "array", "items": _CHANGEPOINT},
    "skipped": {"type": "array", "items": _SKIPPED},
    "notes": {"type": "array", "items": {"type": "string"}},
    "configuration": CONFIGURATION,
}

_VERDICT = {"enum": _VERDICTS}


def _names(description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description}


_GROUP_CHECK = _object(
    {
        "id": _text("the check's id, as in report.json's checks"),
        "name": _text("what it checks, in a few words"),
        "mean": {
            "anyOf": [
                _object(
                    {key: _CHECK["properties"][key] for key in ("status", "reason")},
                    "The check on the mean of the seeds (the run the group's verdict is of).",
                ),
                {"type": "null"},
            ],
            "description": "the check on the mean of the seeds; null when the mean did not list it",
        },
        "seeds": {"type": "integer", "minimum": 2, "description": "the group's runs"},
        "found": _names("the runs it found something in"),
        "passed": _names("the runs it passed in"),
        "skipped": {
            "type": "array",
            "items": _object(
                {
                    "reason": _text("why it was skipped"),
                    "runs": _names("the runs"),
                },
                "The runs it was skipped in for one reason.",
            ),
            "description": "the runs it was skipped in, by reason",
        },
        "not_recorded": _names("the runs whose report.json does not list it (a run that failed)"),
        "summary": _text('in words, e.g. "found in 2 of 5 seeds (a, b); passed in 3"'),
    },
    "One check across a seed group: on the mean of its seeds and in each seed.",
)

_STATISTIC = {
    "anyOf": [
        _object(
            {
                "mean": _NUMBER,
                "sd": _NUMBER,
                "per_seed": {"type": "array", "items": _NUMBER},
            },
            "The mean over the seeds, their standard deviation and each seed's value.",
        ),
        {"type": "null"},
    ],
}

_SEED_GROUP = _object(
    {
        "group": _text("the group's key: the run names without their seed marker"),
        "name": _text('the name its mean was judged under: "<group> (mean of N seeds)"'),
        "members": {
            "type": "array",
            "items": _object(
                {"run": _text("the run"), "seed": _text("its seed"), "verdict": _VERDICT},
                "One seed of the group.",
            ),
        },
        "verdict": {"enum": _VERDICTS, "description": "the verdict of the mean of the seeds"},
        "reason": _text("that verdict in one sentence"),
        "member_verdicts": _text('the seeds\' verdicts counted, e.g. "2/3 healthy, 1 diverged"'),
        "diverged": _names("the runs with a NaN/inf in an averaged curve"),
        "not_averaged": _names("the curves not every seed logged"),
        "main_series": {"type": ["string", "null"], "description": "the series summarised"},
        "final": {**_STATISTIC, "description": "the main series' final level over the seeds"},
        "best": {**_STATISTIC, "description": "the main series' best value over the seeds"},
        "plot": {"type": ["string", "null"], "description": "the group's plot, relative path"},
        "page": {"type": ["string", "null"], "description": "the group's page (its checks)"},
        "checks": {
            "type": "array",
            "items": _GROUP_CHECK,
            "description": "every check, on the mean and across the seeds, in the rules' order",
        },
    },
    "Runs that differ only by a seed, judged as one run (their mean) and one by one.",
)

RUN_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "curvelint report.json",
    **_object(RUN_PROPERTIES, "One run's verdict, findings and summary numbers."),
}


def summary_schema() -> dict[str, Any]:
    """summary.json: every run's report.json, in run-name order, what was skipped, and the seed
    groups when there are any (``seed_groups`` is then present, else absent)."""
    run = {key: value for key, value in RUN_SCHEMA.items() if not key.startswith("$")}
    run.pop("title")
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID.replace("report-1", "summary-1"),
        "title": "curvelint summary.json",
        **_object(
            {
                "schema_version": {"const": SCHEMA_VERSION},
                "tool": _TOOL,
                "runs": {"type": "array", "items": run},
                "verdicts": {
                    "type": "object",
                    "description": "how many runs got each verdict",
                    "additionalProperties": {"type": "integer"},
                },
                "skipped": {"type": "array", "items": _SKIPPED},
            },
            "Every run of one `curvelint analyze`.",
        ),
    }
    schema["properties"] = {
        **schema["properties"],
        "seed_groups": {
            "type": "array",
            "items": _SEED_GROUP,
            "description": "the seed groups, only when runs differ only by a seed",
        },
    }
    return schema


def documented_schemas() -> dict[str, Any]:
    """Both schemas in one document: what docs/report.schema.json holds."""
    return {"report.json": RUN_SCHEMA, "summary.json": summary_schema()}


if __name__ == "__main__":  # python -m curvelint.report.json_schema > docs/report.schema.json
    import json
    import sys

    sys.stdout.write(json.dumps(documented_schemas(), indent=2, ensure_ascii=False) + "\n")
