"""The accuracy command's text: per-verdict precision and recall, the confusion matrix, how
well the confidence is calibrated, and every disagreement — markdown, for the README too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curvelint.verdicts import Verdict

if TYPE_CHECKING:
    from curvelint.evaluate import Evaluation


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def format_table(evaluation: Evaluation) -> str:
    """The per-verdict table in markdown, then the overall agreement line."""
    lines = [
        "| verdict | precision | recall | support |",
        "|---|---:|---:|---:|",
    ]
    for score in evaluation.scores:
        lines.append(
            f"| {score.verdict.value} | {_share(score.precision)} | {_share(score.recall)} "
            f"| {score.support} |"
        )
    agreed = sum(o.agrees for o in evaluation.outcomes)
    lines.append("")
    lines.append(
        f"Agreement on the primary verdict: {agreed}/{len(evaluation.outcomes)} "
        f"({_share(evaluation.agreement)}); diverged runs called healthy: "
        f"{len(evaluation.healthy_divergences)}."
    )
    return "\n".join(lines)


def format_disagreements(evaluation: Evaluation) -> str:
    """One line per run whose verdict is not its label, with the reason given."""
    lines = []
    for outcome in evaluation.disagreements:
        predicted = outcome.predicted.value if outcome.predicted else "error"
        lines.append(
            f"- {outcome.label.name}: labelled {outcome.label.verdict.value}, got {predicted} "
            f"— {outcome.reason}"
        )
    return "\n".join(lines) if lines else "No disagreements."


def _short(verdict: Verdict | None) -> str:
    return "error" if verdict is None else verdict.value.replace("insufficient_data", "insuff.")


def format_confusion(evaluation: Evaluation) -> str:
    """Rows: the label; columns: the verdict given."""
    table = evaluation.confusion()
    given = [v for v in Verdict if any(v in row for row in table.values())]
    if any(None in row for row in table.values()):
        given.append(None)  # type: ignore[arg-type]
    header = "| label \\ verdict | " + " | ".join(_short(v) for v in given) + " |"
    lines = [header, "|---|" + "---:|" * len(given)]
    for label in Verdict:
        row = table.get(label)
        if row:
            cells = [str(row.get(v, 0) or "·") for v in given]
            lines.append(f"| {label.value} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_calibration(evaluation: Evaluation) -> str:
    """How often a verdict given with each confidence was right."""
    lines = ["| confidence | verdicts | right |", "|---|---:|---:|"]
    for band in evaluation.calibration():
        right = _share(band.correct / band.count) if band.count else "–"
        lines.append(f"| {band.low:.1f}–{band.high:.1f} | {band.count} | {right} |")
    return "\n".join(lines)


def render_evaluation(title: str, evaluation: Evaluation) -> str:
    """Everything the command prints for one labelled set."""
    return (
        "\n\n".join(
            [
                f"## {title}",
                format_table(evaluation),
                "Counting a run's secondary condition too: "
                f"{_share(evaluation.lenient_agreement)}; "
                f"stuck or diverged runs called healthy: {len(evaluation.missed_failures)}.",
                format_confusion(evaluation),
                format_calibration(evaluation),
                format_disagreements(evaluation),
            ]
        )
        + "\n"
    )
