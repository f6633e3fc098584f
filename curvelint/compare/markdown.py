"""compare.md: a comparison that reads well as a PR comment (GitHub-flavoured, no HTML).

Order: the outcome (regression or not, and why), one summary row per pair (also printed on
stdout), then per pair the verdicts, every compared value and the settings that differ, the
plot, how differences are judged, and what was left unmatched or unreadable. Names from logs
and paths from the command line go through :func:`markdown_text`.
"""

from __future__ import annotations

import math

from curvelint.compare.model import Comparison, PairComparison, SeriesComparison, Unit
from curvelint.compare.stats import Difference
from curvelint.report.escape import markdown_text
from curvelint.report.markdown import VERDICT_MARKS, table
from curvelint.report.numbers import format_value, signed_percent
from curvelint.report.paths import link_target
from curvelint.report.seed_groups import tally
from curvelint.seed_groups.statistics import Statistic

NAME_LIMIT = 80
MAX_ROWS = 12
CHANGE_MARKS = {"worse": "🔴", "better": "🟢", "same": "⚪", "changed": "🔵", "missing": "—"}
MOVE_WORDS = {
    "worse": "🔴 worse",
    "better": "🟢 better",
    "same": "unchanged",
    "changed": "changed",
    "not judged": "not judged",
}
BASIS_WORDS = {
    "seeds": "seed spread",
    "noise": "noise",
    "unknown": "noise unknown",
    "non-finite": "NaN/inf",
}
RULE = (
    "*Final* is the median of the last 10 % of a curve's finite points (at least 3), or its "
    "last point when that is NaN/inf; *best* is its best finite point; a seed group shows the "
    "mean of its seeds ± their standard deviation. A difference is **beyond the noise** when "
    "it exceeds a 95 % margin: with seeds on both sides, Welch's t-test on the per-seed "
    "values; with seeds on one side, the single run must fall outside the group's 95 % "
    "prediction interval; with single runs on both sides, twice the combined within-run noise "
    "(the curves' robust point-to-point noise; for a final level, its standard error). "
    "Within-run noise understates how much seeds differ: compare seed groups for a firm "
    "answer. A seed that logged NaN/inf keeps the group's mean non-finite from there on. "
    "Verdicts are ranked healthy < not converged, underfitting < overfitting, unstable < "
    "stuck, diverged; a move to a worse rank is a regression unless the metrics say "
    "otherwise: when some compared curve improved beyond the noise and none got worse, the "
    "verdict change is reported, not failed."
)


def _verdict(verdict: str) -> str:
    return f"{VERDICT_MARKS.get(verdict, '⚪')} {verdict.replace('_', ' ')}"


def _name(name: str) -> str:
    return markdown_text(name, NAME_LIMIT)


def percent(share: float) -> str:
    """``+24 %``, ``-55 %``, ``0 %``: a signed share, spelled as the reports spell it."""
    return signed_percent(share)


def _delta(difference: Difference) -> str:
    if difference.delta is None:
        return "—"
    relative = f" ({percent(difference.relative)})" if difference.relative is not None else ""
    sign = "+" if difference.delta > 0 else ""
    return f"{sign}{format_value(difference.delta)}{relative}"


def _statistic(statistic: Statistic) -> str:
    text = format_value(statistic.value)
    finite = statistic.value is not None and math.isfinite(statistic.value)
    if statistic.seeds >= 2 and statistic.spread is not None and finite:
        text += f" ± {format_value(statistic.spread, 2)}"
    return text


def _judgement(difference: Difference, tripped: bool) -> str:
    mark = CHANGE_MARKS[difference.change]
    if difference.change == "missing":
        return "not on both sides"
    if difference.basis == "non-finite" and not difference.beyond_noise:
        return f"{mark} NaN/inf on both sides"
    if difference.delta == 0.0:
        return f"{mark} identical"
    size = format_value(abs(difference.delta), 2) if difference.delta is not None else ""
    noise = _noise_words(difference)
    if not difference.beyond_noise:
        return f"{mark} within the noise ({size} vs {noise})" if noise else f"{mark} no change"
    word = f"**{difference.change}**" if tripped else difference.change
    fails = " — fails `--fail-if-worse`" if tripped else ""
    against = f" ({size} vs {noise})" if noise else ""
    return f"{mark} {word}, beyond the noise{against}{fails}"


def _noise_words(difference: Difference) -> str:
    """``noise 0.021`` (within-run noise), ``seed spread 0.03``, or '' when unknown."""
    if difference.margin is None:
        return ""
    return f"{BASIS_WORDS[difference.basis]} {format_value(difference.margin, 2)}"


def _rows(row: SeriesComparison) -> list[list[str]]:
    cells = []
    for difference in (row.best, row.final):
        cells.append(
            [
                markdown_text(row.label) if difference.which == "best" else "",
                difference.which,
                _statistic(difference.base),
                _statistic(difference.head),
                _delta(difference),
                _judgement(difference, difference.which in row.tripped),
            ]
        )
    return cells


def _unit_line(side: str, unit: Unit) -> str:
    text = f"**{side}:** {_name(unit.label)} — {_verdict(unit.verdict)}"
    if unit.group is not None:
        text += f"; seeds one by one: {tally(unit.group.member_verdicts)}"
        if unit.group.diverged:
            text += f"; NaN/inf in {', '.join(_name(name) for name in unit.group.diverged)}"
        if unit.group.omitted:
            omitted = markdown_text(", ".join(unit.group.omitted))
            text += f"; not averaged (not logged by every seed): {omitted}"
    return f"- {text}. {markdown_text(unit.reason, 240)}"


def _pair_section(pair: PairComparison) -> list[str]:
    lines = ["", f"### {_name(pair.name)}", ""]
    move = _move(pair)
    lines.append(f"Verdict: {_verdict(pair.verdict.base)} → {_verdict(pair.verdict.head)} ({move})")
    lines += ["", _unit_line("Base", pair.base), _unit_line("Head", pair.head), ""]
    if not pair.series:
        lines.append("No curve with a better direction was logged on both sides.")
        return lines + configuration_lines(pair)
    rows = [cells for row in pair.series[:MAX_ROWS] for cells in _rows(row)]
    lines += table(["Series", "Value", "Base", "Head", "Δ", "Judgement"], rows)
    if len(pair.series) > MAX_ROWS:
        lines += ["", f"{len(pair.series) - MAX_ROWS} more series in compare.json."]
    return lines + configuration_lines(pair)


def _move(pair: PairComparison) -> str:
    if pair.verdict.overruled:
        return (
            "reads worse, but the compared curves improved beyond the noise and none got "
            "worse: not a regression"
        )
    return MOVE_WORDS[pair.verdict.move]


def _shown(value: str | None) -> str:
    return "*(not logged)*" if value is None else markdown_text(value, 200)


def configuration_lines(pair: PairComparison) -> list[str]:
    """What differs between the two sides' configurations, at most :data:`MAX_ROWS` rows."""
    base, head = pair.base.configuration, pair.head.configuration
    if not base.values and not head.values:
        return []
    changes = pair.configuration_changes
    if not changes:
        return ["", f"Configuration: the same on both sides ({len(base.values)} settings)."]
    rows = (
        [markdown_text(name, 80), _shown(old), _shown(new)] for name, old, new in changes[:MAX_ROWS]
    )
    lines = ["", f"Configuration: {len(changes)} setting(s) differ.", ""]
    lines += table(["Setting", "Base", "Head"], rows)
    if len(changes) > MAX_ROWS:
        lines += ["", f"…and {len(changes) - MAX_ROWS} more in compare.json."]
    return lines


def _summary_cells(pair: PairComparison) -> list[str]:
    seeds = f"{pair.base.seeds} → {pair.head.seeds}"
    verdict = f"{_verdict(pair.verdict.base)} → {_verdict(pair.verdict.head)}"
    if pair.verdict.move in ("worse", "better"):
        verdict += f" ({MOVE_WORDS[pair.verdict.move]})"
    elif pair.verdict.overruled:
        verdict += " (the metrics improved)"
    if not pair.series:
        return [_name(pair.name), seeds, verdict, "—", "—", "—"]
    main = pair.series[0].final
    change = f"{CHANGE_MARKS[main.change]} {main.change}"
    values = f"{format_value(main.base.value)} → {format_value(main.head.value)}"
    return [_name(pair.name), seeds, verdict, markdown_text(pair.series[0].label), values, change]


def summary_table(comparison: Comparison) -> list[str]:
    """The outcome line and one row per pair: what stdout prints."""
    if comparison.regressions:
        count = len(comparison.regressions)
        head = f"🔴 **{count} regression{'s' if count > 1 else ''}**"
    else:
        head = "🟢 **No regression**"
    lines = [head, ""]
    lines += [f"- {_name(r.pair)}: {markdown_text(r.what)}" for r in comparison.regressions]
    if comparison.regressions:
        lines.append("")
    header = ["Run", "Seeds", "Verdict", "Main series", "Final: base → head", "Change"]
    return lines + table(header, (_summary_cells(pair) for pair in comparison.pairs))


def _threshold(comparison: Comparison) -> str:
    if comparison.threshold is None:
        return "Without `--fail-if-worse`, only a worse verdict or an unreadable head run fails."
    return (
        f"`--fail-if-worse={comparison.threshold:.4g}`: a best or final value worse than base "
        f"by more than {comparison.threshold * 100:.3g} % and beyond the noise fails, as does "
        "a worse verdict or an unreadable head run."
    )


def _leftovers(comparison: Comparison) -> list[str]:
    lines: list[str] = []
    for side, names in (("base", comparison.unmatched_base), ("head", comparison.unmatched_head)):
        if names:
            lines += ["", f"**Only in {side}** ({len(names)}): " + ", ".join(map(_name, names))]
    if comparison.unreadable:
        lines += ["", f"### Could not be read ({len(comparison.unreadable)})", ""]
        lines += [
            f"- {item.side}: {_name(item.name)}: {markdown_text(item.error, 240)}"
            for item in comparison.unreadable
        ]
    return lines


def _plot(comparison: Comparison) -> list[str]:
    lines: list[str] = []
    if comparison.plot is not None:
        alt = markdown_text(comparison.plot.alt_text, 200)
        lines += ["", f"![{alt}]({link_target(comparison.plot.file_name)})"]
    if comparison.unplotted:
        lines += ["", "Not plotted: " + ", ".join(map(_name, comparison.unplotted)) + "."]
    return lines


def render_compare(comparison: Comparison, *, footer: str = "") -> str:
    """The whole compare.md."""
    lines = [
        "# curvelint compare",
        "",
        f"**Base:** {markdown_text(comparison.base_path, 120)} · "
        f"**Head:** {markdown_text(comparison.head_path, 120)}",
        "",
        *summary_table(comparison),
    ]
    for pair in comparison.pairs:
        lines += _pair_section(pair)
    lines += _plot(comparison)
    lines += _leftovers(comparison)
    lines += ["", "### How differences are judged", "", RULE, "", _threshold(comparison)]
    if footer:
        lines += ["", "---", "", f"*{markdown_text(footer)}*"]
    return "\n".join(lines) + "\n"
