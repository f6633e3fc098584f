"""A run's report.md: GitHub-flavoured markdown that reads well in a PR comment.

Order: the verdict and its reason, the key numbers, the findings (most severe first) with
evidence and recommendation, the checks that ran and the ones skipped (and why), the plots,
the run's configuration as logged, then what was skipped while reading. Every piece of
text that came from a log goes through :func:`markdown_text`; no HTML is ever emitted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from curvelint.configuration import Configuration
from curvelint.diagnosis.checks import CheckStatus, summary_line
from curvelint.diagnosis.findings import EvidenceValue, Finding
from curvelint.formats import FORMAT_LABELS
from curvelint.report.alt_text import ALT_LIMIT, plot_alt_text
from curvelint.report.escape import markdown_text
from curvelint.report.evidence_labels import evidence_label, evidence_text
from curvelint.report.model import RunReport, SeriesSummary
from curvelint.report.numbers import (
    format_at,
    format_duration,
    format_step,
    format_value,
)
from curvelint.report.paths import link_target
from curvelint.report.plot_notes import changepoint_lines, unknown_plot_lines
from curvelint.verdicts import FACTS, facts_of

VERDICT_MARKS = {name: facts.mark for name, facts in FACTS.items()}
CONFIGURATION_SHOWN = 40  # settings listed in report.md (report.json has up to 500)
SEVERITY_MARKS = {"error": "🔴", "warning": "🟠", "info": "🔵"}
FORMAT_NAMES = FORMAT_LABELS  # one table of format names (curvelint.formats)


def verdict_label(verdict: str) -> str:
    """``🟠 overfitting``: a coloured mark that scans at a glance, then the word."""
    facts = facts_of(verdict)
    return f"{facts.mark} **{facts.words}**"


def table_row(cells: Iterable[str]) -> str:
    """One GFM table row of escaped cells."""
    return "| " + " | ".join(cells) + " |"


def table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """A GFM table; cells must already be escaped (``markdown_text`` escapes ``|``)."""
    head = list(header)
    lines = [table_row(head), "|" + "|".join("---" for _ in head) + "|"]
    lines.extend(table_row(row) for row in rows)
    return lines


def _in_its_unit(text: str, series: SeriesSummary, run_unit: str) -> str:
    """``0.01 @ epoch 11`` for a curve whose steps count epochs in a run that counts steps."""
    if series.step_unit == run_unit or " @ " not in text:
        return text
    return text.replace(" @ ", f" @ {series.step_unit} ", 1)


def _final(series: SeriesSummary) -> str:
    text = format_at(series.final_value, series.final_step)
    if series.ends_with is not None:
        ends = f"{format_value(float(series.ends_with))} @ {format_step(series.last_step)}"
        return f"{ends} (last finite {text})" if series.final_value is not None else ends
    return text


def _best(series: SeriesSummary) -> str:
    return format_at(series.best_value, series.best_step) if series.direction else "—"


def overview_rows(report: RunReport, escape: Callable[[str], str]) -> list[tuple[str, str]]:
    """The run-level rows of a report (format, steps, epochs, duration, points), text from the
    run passed through ``escape`` (markdown or HTML)."""
    view = report.overview
    rows = [("Format", escape(FORMAT_NAMES.get(report.format, report.format)))]
    if report.main is not None and report.step_unit == "epoch":
        # The main curve counts epochs (Keras' 0-based index): 0–34 is 35 epochs. Other tags
        # of the run may count iterations (evaluation_*_vs_iterations), so not the run's span.
        first, last = report.main.first_step, report.main.last_step
        count = last + 1 if first == 0 else last
        rows.append(("Epochs", f"{count:,} (logged as {format_step(first)} – {format_step(last)})"))
    elif view.last_step is not None:
        rows.append(("Steps", f"{format_step(view.first_step)} – {format_step(view.last_step)}"))
    if view.epochs is not None and report.step_unit != "epoch":
        rows.append(("Epochs", format_value(view.epochs, 3)))
    if view.duration_seconds is not None:
        rows.append(("Duration", escape(format_duration(view.duration_seconds))))
    rows.append(("Points logged", f"{view.points:,}"))
    return rows


def _overview(report: RunReport) -> list[str]:
    return table(["Run", markdown_text(report.name, 120)], overview_rows(report, markdown_text))


def _series_table(report: RunReport) -> list[str]:
    if not report.series:
        return []
    rows = []
    for series in report.series:
        bad = series.points - series.finite_points
        points = f"{series.points:,}" + (f" ({bad:,} NaN/inf)" if bad else "")
        rows.append(
            (
                markdown_text(series.label),
                points,
                _in_its_unit(_final(series), series, report.step_unit),
                format_value(series.final_level) if series.final_level is not None else "—",
                _in_its_unit(_best(series), series, report.step_unit),
                markdown_text(series.tag, 60),
            )
        )
    return [
        "",
        "### Key numbers",
        "",
        *table(["Series", "Points", "Last", "Final level", "Best", "Tag"], rows),
    ]


def _evidence_value(key: str, value: EvidenceValue) -> str:
    """Numbers are ours to spell; strings may quote a log (a tag name), so they are escaped."""
    text = evidence_text(key, value)
    return markdown_text(text) if isinstance(value, str) else text


def _finding(finding: Finding) -> list[str]:
    mark = SEVERITY_MARKS.get(finding.severity.value, "")
    series = f" · {markdown_text(finding.series)}" if finding.series else ""
    lines = [
        "",
        f"#### {mark} {markdown_text(finding.code)}{series}",
        "",
        f"{markdown_text(finding.message)} "
        f"*({finding.severity.value}, confidence {finding.confidence:.2f})*",
    ]
    if finding.evidence:
        rows = (
            (markdown_text(evidence_label(key)), _evidence_value(key, value))
            for key, value in finding.evidence.items()
        )
        lines += ["", *table(["Evidence", "Value"], rows)]
    if finding.recommendation:
        lines += ["", f"**What to do:** {markdown_text(finding.recommendation)}"]
    return lines


def _findings(report: RunReport) -> list[str]:
    if not report.findings:
        return [] if report.verdict == "unreadable" else ["", "## Findings", "", "None."]
    lines = ["", f"## Findings ({len(report.findings)})"]
    for finding in report.findings:
        lines += _finding(finding)
    return lines


def _checks(report: RunReport) -> list[str]:
    """One summary line, a table of the checks that found something or were skipped (and why),
    and the passed ones named on one line: so "no overfitting finding" is read as "overfitting
    passed", not as "overfitting was never judged", without 28 rows in a pull request."""
    if not report.checks:
        return []
    rows = (
        (
            markdown_text(check.name),
            markdown_text(check.id),
            check.status.value,
            markdown_text(check.reason) if check.reason else "",
        )
        for check in report.checks
        if check.status is not CheckStatus.PASSED
    )
    passed = [markdown_text(c.name) for c in report.checks if c.status is CheckStatus.PASSED]
    lines = ["", "## Checks", "", summary_line(report.checks)]  # our words: nothing from a log
    lines += ["", *table(["Check", "Id", "Status", "Why skipped"], rows)]
    if passed:
        lines += ["", f"Passed: {'; '.join(passed)}."]
    return lines


def _plots(report: RunReport) -> list[str]:
    if not report.plots:
        return []
    lines = ["", "## Plots"]
    if report.x_axis_note:
        lines += ["", f"*Note: {markdown_text(report.x_axis_note)}.*"]
    for plot in report.plots:
        alt = markdown_text(plot_alt_text(plot), ALT_LIMIT)
        lines += ["", f"![{alt}]({link_target(plot.file_name)})"]
    lines += changepoint_lines(report) + unknown_plot_lines(report)
    if report.unplotted:
        names = ", ".join(markdown_text(name) for name in report.unplotted)
        lines += ["", f"Not plotted: {names}."]
    return lines


def configuration_table(configuration: Configuration) -> list[str]:
    """The settings as a two-column table, at most :data:`CONFIGURATION_SHOWN` rows and a line
    saying how many more there are; empty when nothing was logged."""
    if not configuration.values:
        return []
    shown = configuration.values[:CONFIGURATION_SHOWN]
    rows = ((markdown_text(name, 80), markdown_text(value, 200)) for name, value in shown)
    lines = table(["Setting", "Value"], rows)
    more = len(configuration.values) - len(shown) + configuration.omitted
    if more:
        lines += ["", f"…and {more:,} more (report.json lists up to 500)."]
    return lines


def _configuration(report: RunReport) -> list[str]:
    lines = configuration_table(report.configuration)
    if not lines:
        return []
    sources = ", ".join(markdown_text(s) for s in report.configuration.sources)
    return ["", "## Configuration", "", f"As logged ({sources}).", "", *lines]


def _reading(report: RunReport) -> list[str]:
    lines = []
    if report.skipped:
        lines += ["", f"## Skipped while reading ({len(report.skipped)})", ""]
        for item in report.skipped:
            where = f"{item.path}:{item.where}" if item.where else item.path
            count = f" ({item.count:,} records)" if item.count > 1 else ""
            lines.append(f"- {markdown_text(where)}: {markdown_text(item.why)}{count}")
    if report.notes:
        lines += ["", "## Notes from reading", ""]
        lines += [f"- {markdown_text(note)}" for note in report.notes]
    return lines


def _secondary(report: RunReport) -> list[str]:
    """The second verdict the run also meets, when there is one."""
    if report.secondary is None:
        return []
    return ["", f"Also meets the definition of {verdict_label(report.secondary)} (see Findings)."]


def render_markdown(report: RunReport, *, footer: str = "") -> str:
    """The whole report.md of one run."""
    lines = [
        f"# {markdown_text(report.name, 200)}",
        "",
        f"{verdict_label(report.verdict)} — {markdown_text(report.reason)}",
        *_secondary(report),
        "",
        *_overview(report),
        *_series_table(report),
        *_findings(report),
        *_checks(report),
        *_plots(report),
        *_configuration(report),
        *_reading(report),
    ]
    if footer:
        lines += ["", "---", "", f"*{markdown_text(footer)}*"]
    return "\n".join(lines) + "\n"
