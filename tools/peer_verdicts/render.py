"""The peers' scores as Markdown: a summary, then per set, then each peer's chosen mapping."""

from __future__ import annotations

from collections.abc import Sequence

from tools.peer_verdicts.evaluation import PeerEvaluation
from tools.peer_verdicts.mapping import IGNORED, VerdictMapping


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _summary(evaluations: Sequence[PeerEvaluation], set_names: Sequence[str]) -> list[str]:
    rows = [
        [f"{e.peer} {e.version}", *(str(score.agreement()) for score in e.scores)]
        for e in evaluations
    ]
    header = [
        "peer",
        *(f"{name}{' (tuned)' if name == evaluations[0].tuned_on else ''}" for name in set_names),
    ]
    return ["## Agreement (primary verdict), per set", "", *_table(header, rows), ""]


def _set_section(evaluations: Sequence[PeerEvaluation], index: int) -> list[str]:
    scores = [e.scores[index] for e in evaluations]
    name = scores[0].set_name
    rows = [
        [
            score.peer,
            str(score.agreement()),
            str(score.agreement_either()),
            str(score.agreement_high_confidence()),
            str(score.coverage()),
            f"{score.seconds_per_run():.2f}",
        ]
        for score in scores
    ]
    header = [
        "peer",
        "agreement",
        "primary or secondary",
        "high-confidence labels",
        "coverage",
        "s/run",
    ]
    verdicts = list(scores[0].recall())
    recall_rows = [[v, *(str(score.recall()[v]) for score in scores)] for v in verdicts]
    formats = list(scores[0].coverage_by_format())
    coverage_rows = [
        [f, *(str(score.coverage_by_format()[f]) for score in scores)] for f in formats
    ]
    peers = [score.peer for score in scores]
    return [
        f"## {name} ({len(scores[0].runs)} runs)",
        "",
        *_table(header, rows),
        "",
        "Recall per labelled verdict:",
        "",
        *_table(["verdict", *peers], recall_rows),
        "",
        "Coverage per format (runs the peer could read):",
        "",
        *_table(["format", *peers], coverage_rows),
        "",
    ]


def _mapping_section(evaluation: PeerEvaluation) -> list[str]:
    mapping: VerdictMapping = evaluation.mapping
    order = " > ".join(mapping.precedence)
    rows = [
        [f"`{code}`", verdict]
        for code, verdict in sorted(mapping.codes.items())
        if verdict != IGNORED
    ]
    ignored = sorted(code for code, verdict in mapping.codes.items() if verdict == IGNORED)
    return [
        f"### {evaluation.peer} {evaluation.version}",
        "",
        f"Precedence: {'peer severity first, then ' if mapping.severity_first else ''}{order}. "
        f"No mapped finding: **{mapping.no_findings}**. Unreadable: never agrees.",
        "",
        *_table(["finding code", "verdict"], rows),
        "",
        f"Ignored codes: {', '.join(f'`{code}`' for code in ignored) or 'none'}.",
        "",
    ]


def render_markdown(
    evaluations: Sequence[PeerEvaluation], set_names: Sequence[str], preamble: Sequence[str]
) -> str:
    """The whole report."""
    lines = [*preamble, "", *_summary(evaluations, set_names)]
    for index in range(len(set_names)):
        lines += _set_section(evaluations, index)
    lines += [f"## Mappings (chosen on {evaluations[0].tuned_on}, then fixed)", ""]
    for evaluation in evaluations:
        lines += _mapping_section(evaluation)
    return "\n".join(lines).rstrip() + "\n"
