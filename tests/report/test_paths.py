"""Run names become distinct, safe folder names that still say which run they are."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from curvelint.report.paths import RESERVED_FILES, folder_names, link_target, name_hash


def _fold(folder: str) -> str:
    return unicodedata.normalize("NFKC", folder).casefold()


def test_plain_nested_names_keep_their_spelling() -> None:
    folders = folder_names(["trainer_state/neiro", "keras-csv/run_1.csv"])
    assert folders == {
        "trainer_state/neiro": "trainer_state__neiro",
        "keras-csv/run_1.csv": "keras-csv__run_1.csv",
    }


def test_hostile_names_become_plain_folders_with_a_hash() -> None:
    names = [
        "../../etc/passwd",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        ".hidden",
        "a\nb",
    ]
    folders = folder_names(names)
    for name, folder in folders.items():
        assert "/" not in folder and "\\" not in folder and not folder.startswith(".")
        assert folder not in ("", ".", "..")
        assert folder.endswith(name_hash(name))
        assert all(c.isascii() and (c.isalnum() or c in "._-") for c in folder)
    assert folders["../../etc/passwd"] == f"etc__passwd-{name_hash('../../etc/passwd')}"


def test_names_differing_in_case_or_normalisation_get_distinct_folders() -> None:
    names = ["Run", "run", "ﬁne", "fine", "café", "cafe\u0301"]
    folders = folder_names(names)
    assert len({_fold(f) for f in folders.values()}) == len(names)
    assert folders["Run"] != "Run" and folders["run"] != "run"


def test_reserved_top_level_file_names_and_windows_devices_are_avoided() -> None:
    folders = folder_names(["index.md", "summary.json", "con", "NUL.txt"])
    for folder in folders.values():
        assert _fold(folder) not in RESERVED_FILES
        assert "-" in folder


def test_very_long_names_are_cut_and_stay_distinct() -> None:
    names = ["x" * 300 + "a", "x" * 300 + "b"]
    folders = folder_names(names)
    assert len(set(folders.values())) == 2
    assert all(len(folder) <= 64 + 1 + 8 for folder in folders.values())


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=8, unique=True))
def test_any_names_give_distinct_safe_folders_in_any_order(names: list[str]) -> None:
    folders = folder_names(names)
    assert folder_names(list(reversed(names))) == folders
    assert len({_fold(f) for f in folders.values()}) == len(names)
    for folder in folders.values():
        assert folder and not folder.startswith(".") and "/" not in folder
        assert folder not in (".", "..")


def test_link_targets_are_percent_encoded() -> None:
    assert link_target("a b", "report.md") == "a%20b/report.md"
    assert link_target("x(1)") == "x%281%29"
