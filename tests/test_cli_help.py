"""``curvelint [COMMAND] --help`` as a user sees it (the real CLI in a subprocess): an example
per command, every choice listed, the verdicts under --fail-on, each default once, no typer
artefacts in usage, and every format curvelint reads named at the top."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from curvelint.choices import BANDS, SMOOTHING_METHODS, X_AXES, Verdict
from curvelint.formats import FORMAT_LABELS, ONE_RUN_LOGS
from curvelint.readers import READERS
from tests.test_cli_analyze import curvelint

COMMANDS = ("frame", "analyze", "compare")
OPTION_LINE = re.compile(r"^  (?:-\w, )?(--[\w-]+)")


def help_text(tmp_path: Path, *command: str) -> str:
    result = curvelint(*command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def option_blocks(text: str) -> dict[str, str]:
    """Each option's help entry (its first line and the lines wrapped under it), one line."""
    lines = text.split("\nOptions:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    blocks: dict[str, list[str]] = {}
    current = ""
    for line in lines:
        found = OPTION_LINE.match(line)
        if found:
            current = found.group(1)
            blocks[current] = []
        blocks[current].append(line.strip())
    return {option: " ".join(" ".join(parts).split()) for option, parts in blocks.items()}


def example_lines(text: str) -> list[str]:
    examples = text.split("Examples:\n", 1)[1]
    return [line.strip() for line in examples.splitlines() if line.strip()]


@pytest.mark.parametrize("command", [(), *((name,) for name in COMMANDS)], ids=str)
def test_every_help_has_examples_that_parse(tmp_path: Path, command: tuple[str, ...]) -> None:
    lines = example_lines(help_text(tmp_path, *command))
    assert lines and all(line.startswith("curvelint ") for line in lines)
    if command:
        assert all(line.startswith(f"curvelint {command[0]} ") for line in lines)
    else:  # the overview shows every command
        assert {line.split()[1] for line in lines} >= set(COMMANDS)
    for line in lines:
        words = shlex.split(line, comments=True)
        words = words[: words.index(">")] if ">" in words else words
        # --help is handled after the whole line is parsed: an unknown option would fail here
        result = curvelint(*words[1:], "--help", cwd=tmp_path)
        assert result.returncode == 0, (line, result.stderr)


@pytest.mark.parametrize("command", COMMANDS)
def test_usage_and_arguments_have_no_typer_artefacts(tmp_path: Path, command: str) -> None:
    text = help_text(tmp_path, command)
    usage = text.splitlines()[0]
    expected = "BASE HEAD" if command == "compare" else "PATH..."
    assert usage == f"Usage: curvelint {command} [OPTIONS] {expected}"
    for artefact in ("{", "}", "<list[", "<str>", "<bool>", "<int>", "<path>", "[required]"):
        assert artefact not in text, artefact


@pytest.mark.parametrize(
    ("command", "option", "choices"),
    [
        ("analyze", "--format", ("table", "json")),
        ("analyze", "--smoothing", SMOOTHING_METHODS),
        ("analyze", "--x-axis", X_AXES),
        ("compare", "--format", ("markdown", "json")),
        ("compare", "--band", BANDS),
    ],
)
def test_every_choice_is_listed(
    tmp_path: Path, command: str, option: str, choices: tuple[str, ...]
) -> None:
    block = option_blocks(help_text(tmp_path, command))[option]
    assert block.startswith(f"{option} <{'|'.join(choices)}>")


def test_fail_on_lists_every_verdict_and_level(tmp_path: Path) -> None:
    block = option_blocks(help_text(tmp_path, "analyze"))["--fail-on"]
    listed = block.split(" verdicts: ", 1)[1].split(";", 1)[0]
    assert listed.split(", ") == [verdict.value for verdict in Verdict]
    for level in ("error (", "warning (", "never"):
        assert level in block
    assert block.endswith("[default: diverged]")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_default_is_shown_once(tmp_path: Path, command: str) -> None:
    blocks = option_blocks(help_text(tmp_path, command))
    for block in blocks.values():
        assert block.count("default") <= 1, block
    expected = {
        "frame": {"--cache": "cache"},
        "analyze": {
            "--out": "curvelint-report",
            "--format": "table",
            "--fail-on": "diverged",
            "--jobs": "the number of cores",
            "--smoothing": "centered_time_ema",
            "--x-axis": "step",
            "--main-metric": "the train loss",
            "--cache": "cache",
        },
        "compare": {
            "--out": "curvelint-compare",
            "--format": "markdown",
            "--band": "minmax",
            "--main-metric": "the train loss",
        },
    }[command]
    for option, value in expected.items():
        assert blocks[option].endswith(f"[default: {value}]"), blocks[option]


def test_the_overview_names_every_format_curvelint_reads(tmp_path: Path) -> None:
    text = " ".join(help_text(tmp_path).split())
    for label in FORMAT_LABELS.values():
        assert label in text
    assert list(FORMAT_LABELS) == [reader.NAME for reader in READERS]
    assert set(FORMAT_LABELS) >= ONE_RUN_LOGS  # the one-run logs are formats read


def test_help_is_plain_text_without_rich_boxes(tmp_path: Path) -> None:
    for command in ((), *((name,) for name in COMMANDS)):
        text = help_text(tmp_path, *command)
        assert not set(text) & set("╭╮╰╯│─")
