"""A run's report.html: the markdown report's content with interactive charts, offline.

The verdict, reason, key numbers, findings, checks and skips are rendered here as static HTML (they
read without JavaScript); the charts are drawn in the browser by ``assets/curvelint-report.js``
with uPlot from the JSON in the page (:mod:`curvelint.report.html_data`). The scripts are
files in the output folder's ``assets/``, written once per folder: nothing is fetched from
the network. Every piece of text that came from a log goes through :func:`html_text`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import numpy as np

from curvelint.diagnosis.checks import summary_line
from curvelint.diagnosis.findings import EvidenceValue, Finding
from curvelint.report.escape import clean_text, shorten
from curvelint.report.evidence_labels import evidence_label, evidence_text
from curvelint.report.html_data import report_data, script_json
from curvelint.report.markdown import SEVERITY_MARKS, overview_rows
from curvelint.report.model import RunReport, SeriesSummary
from curvelint.report.numbers import (
    format_at,
    format_step,
    format_value,
)
from curvelint.report.paths import link_target
from curvelint.verdicts import facts_of

ASSETS = "assets"
PAGE_SCRIPTS = ("uPlot.iife.min.js", "curvelint-report.js")
PAGE_STYLES = ("uPlot.min.css", "curvelint-report.css")
DEFAULT_SMOOTHING = 0.6  # TensorBoard's default slider position
# No network, no inline script, no plug-ins: the page may only load files beside it.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)


def html_text(text: str, limit: int | None = None) -> str:
    """Text from anywhere (a log included) as inert HTML: one line, entities escaped."""
    line = clean_text(text)
    if limit is not None:
        line = shorten(line, limit)
    return html.escape(line, quote=True)


def html_table(header: Iterable[str], rows: Iterable[Iterable[str]], css: str = "") -> list[str]:
    """A table; cells must already be HTML (escaped with :func:`html_text`)."""
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = ["<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
    klass = f' class="{css}"' if css else ""
    return [
        f"<table{klass}>",
        f"<thead><tr>{head}</tr></thead>",
        "<tbody>",
        *body,
        "</tbody>",
        "</table>",
    ]


def verdict_html(verdict: str) -> str:
    """The coloured mark and the verdict's words, coloured by how much it hurts (its tier)."""
    facts = facts_of(verdict)
    tier = "none" if facts.tier is None else str(facts.tier)
    return (
        f'<span class="verdict verdict-tier-{tier}">{html_text(facts.mark)} '
        f"{html_text(facts.words)}</span>"
    )


def page(title: str, body: list[str], *, assets: str, scripts: bool) -> str:
    """A whole HTML document whose styles (and scripts) come from ``assets``."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{title}</title>",
    ]
    head += [f'<link rel="stylesheet" href="{assets}/{name}">' for name in PAGE_STYLES]
    if scripts:
        head += [f'<script src="{assets}/{name}" defer></script>' for name in PAGE_SCRIPTS]
    return "\n".join([*head, "</head>", "<body>", "<main>", *body, "</main>", "</body>"]) + (
        "\n</html>\n"
    )


def _final(series: SeriesSummary) -> str:
    text = format_at(series.final_value, series.final_step)
    if series.ends_with is not None:
        ends = f"{format_value(float(series.ends_with))} @ {format_step(series.last_step)}"
        text = f"{ends} (last finite {text})" if series.final_value is not None else ends
    return html_text(text)


def _overview(report: RunReport) -> list[str]:
    rows = overview_rows(report, html_text)
    return html_table(["Run", html_text(report.name, 120)], rows, "overview")


def _series_table(report: RunReport) -> list[str]:
    if not report.series:
        return []
    rows = []
    for series in report.series:
        bad = series.points - series.finite_points
        points = f"{series.points:,}" + (
            f' <span class="bad">({bad:,} NaN/inf)</span>' if bad else ""
        )
        best = format_at(series.best_value, series.best_step) if series.direction else "—"
        rows.append(
            (
                html_text(series.label),
                points,
                _final(series),
                html_text(best),
                html_text(series.tag, 60),
            )
        )
    header = ["Series", "Points", "Final", "Best", "Tag"]
    return ["<h3>Key numbers</h3>", *html_table(header, rows, "numbers")]


def _evidence_value(key: str, value: EvidenceValue) -> str:
    return html_text(evidence_text(key, value))


def _finding(finding: Finding) -> list[str]:
    severity = html_text(finding.severity.value)
    mark = SEVERITY_MARKS.get(finding.severity.value, "")
    series = f" · {html_text(finding.series)}" if finding.series else ""
    lines = [
        f'<article class="finding severity-{severity}">',
        f"<h4>{mark} {html_text(finding.code)}{series}</h4>",
        f"<p>{html_text(finding.message)} "
        f"<em>({severity}, confidence {finding.confidence:.2f})</em></p>",
    ]
    if finding.evidence:
        rows = (
            (html_text(evidence_label(key)), _evidence_value(key, value))
            for key, value in finding.evidence.items()
        )
        lines += html_table(["Evidence", "Value"], rows, "evidence")
    if finding.recommendation:
        lines.append(f"<p><strong>What to do:</strong> {html_text(finding.recommendation)}</p>")
    return [*lines, "</article>"]


def _findings(report: RunReport) -> list[str]:
    if not report.findings:
        return [] if report.verdict == "unreadable" else ["<h2>Findings</h2>", "<p>None.</p>"]
    lines = [f"<h2>Findings ({len(report.findings)})</h2>"]
    for finding in report.findings:
        lines += _finding(finding)
    return lines


def _checks(report: RunReport) -> list[str]:
    """The checks that ran and the ones skipped, as report.md lists them."""
    if not report.checks:
        return []
    rows = (
        (
            html_text(check.name),
            html_text(check.id),
            f'<span class="check-{check.status.value}">{html_text(check.status.value)}</span>',
            html_text(check.reason),
        )
        for check in report.checks
    )
    return [
        "<h2>Checks</h2>",
        f"<p>{html_text(summary_line(report.checks))}</p>",
        *html_table(["Check", "Id", "Status", "Why skipped"], rows, "checks"),
    ]


def _smoothing_control() -> list[str]:
    return [
        '<p class="controls"><label for="smoothing">Smoothing</label> ',
        f'<input type="range" id="smoothing" min="0" max="0.99" step="0.01" '
        f'value="{DEFAULT_SMOOTHING}"> ',
        f'<output id="smoothing-value" for="smoothing">{DEFAULT_SMOOTHING:.2f}</output> '
        '<span class="hint">exponential moving average of the faint raw line, as in '
        "TensorBoard · drag across a chart to zoom, double-click to reset · hover for "
        "values · ▼ marks a NaN or inf point · ● the best point · dashed lines: "
        "change-points</span></p>",
    ]


def _panel_caption(report: RunReport, plot: int, panel: int) -> list[str]:
    spec = report.plots[plot].panels[panel]
    notes = [spec.note, spec.off_scale, *(shade.label for shade in spec.shades)]
    bad = sum(int(np.count_nonzero(~np.isfinite(curve.y))) for curve in spec.curves)
    if bad:
        notes.append(f"{bad:,} NaN/inf points plotted as ▼")
    text = " · ".join(html_text(note) for note in notes if note)
    return [f'<p class="marks">{text}</p>'] if text else []


def _plots(report: RunReport) -> list[str]:
    if not report.plots:
        return []
    lines = ["<h2>Plots</h2>", *_smoothing_control()]
    if report.x_axis_note:
        lines.append(f"<p><em>Note: {html_text(report.x_axis_note)}.</em></p>")
    for p, plot in enumerate(report.plots):
        lines += [
            f'<section class="plot"><h3>{html_text(plot.title, 200)}</h3>',
            f'<div class="panels columns-{min(2, max(1, plot.columns))}">',
        ]
        many = len(plot.panels) > 1  # one panel: the figure's title names it already
        for q, panel in enumerate(plot.panels):
            lines += [
                '<figure class="panel">',
                *([f"<figcaption>{html_text(panel.title)}</figcaption>"] if many else []),
                f'<div class="chart" id="chart-{p}-{q}"></div>',
                *_panel_caption(report, p, q),
                "</figure>",
            ]
        image = link_target(plot.file_name)
        lines += [
            "</div>",
            f'<noscript><img src="{html.escape(image)}" alt="{html_text(plot.alt_text, 200)}">'
            "</noscript>",
            "</section>",
        ]
    if report.unplotted:
        names = ", ".join(html_text(name) for name in report.unplotted)
        lines.append(f"<p>Not plotted: {names}.</p>")
    return lines


def _reading(report: RunReport) -> list[str]:
    lines = []
    if report.skipped:
        lines += [f"<h2>Skipped while reading ({len(report.skipped)})</h2>", "<ul>"]
        for item in report.skipped:
            where = f"{item.path}:{item.where}" if item.where else item.path
            count = f" ({item.count:,} records)" if item.count > 1 else ""
            lines.append(f"<li>{html_text(where)}: {html_text(item.why)}{count}</li>")
        lines.append("</ul>")
    if report.notes:
        lines += ["<h2>Notes from reading</h2>", "<ul>"]
        lines += [f"<li>{html_text(note)}</li>" for note in report.notes]
        lines.append("</ul>")
    return lines


def render_run_html(report: RunReport, *, footer: str = "", assets: str = f"../{ASSETS}") -> str:
    """The whole report.html of one run; ``assets`` is the folder of the scripts, relative
    to the page."""
    body = [
        '<p class="back"><a href="../index.html">All runs</a></p>',
        f"<h1>{html_text(report.name, 200)}</h1>",
        f'<p class="summary">{verdict_html(report.verdict)} — '
        f'<span class="reason">{html_text(report.reason)}</span></p>',
        *_overview(report),
        *_series_table(report),
        *_findings(report),
        *_checks(report),
        *_plots(report),
        *_reading(report),
    ]
    if report.plots:
        data = script_json(report_data(report))
        body.append(f'<script type="application/json" id="curvelint-data">{data}</script>')
    if footer:
        body.append(f"<footer><em>{html_text(footer)}</em></footer>")
    title = f"{html_text(report.name, 120)} · curvelint"
    return page(title, body, assets=assets, scripts=bool(report.plots))
