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
    header = [
        "peer",
        *(f"{name}{' (tuned)' if name == evaluations[0].tuned_on else ''}" for name in set_names),
    ]
    rows = [
        [f"{e.peer} {e.version}", *(str(score.agreement()) for score in e.scores)]
        for e in evaluations
    ]
    healthy_rows = [
        [f"{e.peer} {e.version}", *(str(score.healthy_default) for score in e.scores)]
        for e in evaluations
    ]
    return [
        "## Agreement (primary verdict), per set",
        "",
        f"With each peer's mapping chosen on {evaluations[0].tuned_on} (all of it free, "
        "including the verdict of a run with no mapped finding):",
        "",
        *_table(header, rows),
        "",
        "The same search with a run without a mapped finding fixed to *healthy*, the plain "
        "reading of a clean report (the free search picks whichever default fits the tuning "
        "set best, e.g. insufficient_data, and that need not carry over to other sets):",
        "",
        *_table(header, healthy_rows),
        "",
    ]


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
            str(score.ceiling),
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
        "ceiling (mapping tuned on this set)",
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
    healthy_default = evaluation.healthy_default_mapping
    changed = sorted(
        f"`{code}` → {verdict}"
        for code, verdict in healthy_default.codes.items()
        if verdict != evaluation.mapping.codes.get(code)
    )
    return [
        *_mapping_lines(evaluation.peer, evaluation.version, evaluation.mapping),
        "With no finding fixed to healthy: precedence "
        f"{'peer severity first, then ' if healthy_default.severity_first else ''}"
        f"{' > '.join(healthy_default.precedence)}; codes that differ: "
        f"{', '.join(changed) or 'none'}.",
        "",
    ]


def _mapping_lines(peer: str, version: str, mapping: VerdictMapping) -> list[str]:
    order = " > ".join(mapping.precedence)
    rows = [
        [f"`{code}`", verdict]
        for code, verdict in sorted(mapping.codes.items())
        if verdict != IGNORED
    ]
    ignored = sorted(code for code, verdict in mapping.codes.items() if verdict == IGNORED)
    return [
        f"### {peer} {version}",
        "",
        f"Precedence: {'peer severity first, then ' if mapping.severity_first else ''}{order}. "
        f"No mapped finding: **{mapping.no_findings}**. Unreadable: never agrees.",
        "",
        *_table(["finding code", "verdict"], rows),
        "",
        f"Ignored codes: {', '.join(f'`{code}`' for code in ignored) or 'none'}.",
        "",
    ]


HOW_MEASURED = (
    "## How this is measured",
    "",
    "- Each peer runs as a subprocess (timeout 120 s) from its own virtualenv on a read-only "
    "view of the run folder (symlinks; a Keras CSVLogger `training.log` is shown as "
    "`training.csv` because runmedic and trainproof choose a reader by suffix). Each adapter "
    "gives its peer the input its documentation asks for: losslint the format's log files, "
    "trainspotter the main file with `--format`, trainproof Lightning's `metrics.csv` with "
    "`--map loss=train_loss_step` when it has no `loss` column, finetune-doctor only "
    "trainer_state runs (the one format it reads). Their JSON output is parsed into finding "
    "codes `check:severity`.",
    "- A run a peer cannot read (no output it can judge, no loss series found, a crash or a "
    "timeout) is *unreadable*: it counts as a disagreement, and the coverage columns show "
    "how many runs of each format the peer read.",
    "- The mapping that favours each peer most: every code the peer gave on the tuning set may "
    "map to any verdict or be ignored, and the verdict for a run with no mapped finding is "
    "free too; four precedence orders, with and without the peer's own severity first, are "
    "searched (tools/peer_verdicts/mapping_search.py) for the most agreement on the tuning "
    "set. That mapping is then fixed and applied to every set; codes it never saw are "
    "ignored. It is an upper bound on what a reader of the peer's output could get, and it "
    "can assign codes to verdicts their names do not suggest (see Mappings below).",
    "- *ceiling*: the agreement a mapping tuned on that set itself reaches (in-sample, not a "
    "fair score: it shows how much of a gap is the peer's findings and how much the mapping "
    "not carrying over).",
    "- *s/run*: the wall-clock seconds of the peer's calls per run, as first measured (outputs "
    "are cached per peer version and run-folder content in `.peer-cache/`); 2 shared cores.",
    "- curvelint itself is not run here (the locked holdout6 is scored for curvelint only by "
    "the lead).",
    "",
)


def render_markdown(
    evaluations: Sequence[PeerEvaluation], set_names: Sequence[str], preamble: Sequence[str]
) -> str:
    """The whole report."""
    lines = [*preamble, "", *_summary(evaluations, set_names), *HOW_MEASURED]
    for index in range(len(set_names)):
        lines += _set_section(evaluations, index)
    lines += [f"## Mappings (chosen on {evaluations[0].tuned_on}, then fixed)", ""]
    for evaluation in evaluations:
        lines += _mapping_section(evaluation)
    return "\n".join(lines).rstrip() + "\n"
