"""Which paths an MCP client may name: inside the roots after ``..`` and symbolic links are
resolved, URLs only below a URL root; everything else refused before it is looked at."""

from __future__ import annotations

from pathlib import Path

import pytest

from curvelint.errors import CurvelintError
from curvelint.mcp_server.roots import OutsideRootsError, Roots


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """root/ with runs/a and a link to a folder beside the root; outside/ beside it."""
    (tmp_path / "root" / "runs" / "a").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "root" / "link_out").symlink_to(tmp_path / "outside")
    (tmp_path / "root" / "link_in").symlink_to(tmp_path / "root" / "runs")
    return tmp_path


def test_paths_inside_a_root_resolve(tree: Path) -> None:
    roots = Roots.from_arguments([str(tree / "root")])
    real = (tree / "root").resolve()
    assert roots.confine("runs/a") == str(real / "runs" / "a")
    assert roots.confine(str(tree / "root" / "runs" / ".." / "runs")) == str(real / "runs")
    assert roots.confine("link_in/a") == str(real / "runs" / "a")  # a link that stays inside


@pytest.mark.parametrize(
    "path",
    ["..", "../outside", "runs/../../outside", "link_out", "link_out/.", "/", "/etc/passwd"],
)
def test_paths_leading_out_are_refused(tree: Path, path: str) -> None:
    roots = Roots.from_arguments([str(tree / "root")])
    with pytest.raises(OutsideRootsError, match="is outside the roots this server may read"):
        roots.confine(path)


def test_an_outside_path_is_refused_before_its_existence_is_checked(tree: Path) -> None:
    roots = Roots.from_arguments([str(tree / "root")])
    with pytest.raises(OutsideRootsError):
        roots.confine(str(tree / "outside" / "no_such_file"))
    with pytest.raises(CurvelintError, match="no such file or folder inside the roots"):
        roots.confine("runs/no_such_file")


def test_urls_only_below_a_url_root(tree: Path) -> None:
    roots = Roots.from_arguments([str(tree / "root"), "s3://bucket/runs/"])
    assert roots.confine("s3://bucket/runs/a") == "s3://bucket/runs/a"
    assert roots.confine("s3://bucket/runs") == "s3://bucket/runs"
    for url in (
        "s3://bucket/runs-other",
        "s3://bucket/runs/../secret",
        "s3://bucket/runs/%2e%2e/x",
    ):
        with pytest.raises(OutsideRootsError):
            roots.confine(url)
    with pytest.raises(OutsideRootsError):
        Roots.from_arguments([str(tree / "root")]).confine("s3://bucket/runs/a")


@pytest.mark.parametrize("path", ["", "  ", "a\x00b"])
def test_unusable_paths_are_one_line_errors(tree: Path, path: str) -> None:
    with pytest.raises(CurvelintError) as raised:
        Roots.from_arguments([str(tree / "root")]).confine(path)
    assert "\n" not in str(raised.value) and "\x00" not in str(raised.value)


def test_roots_must_exist(tree: Path) -> None:
    with pytest.raises(CurvelintError, match="no such file or folder"):
        Roots.from_arguments([str(tree / "missing")])
    with pytest.raises(CurvelintError, match="at least one folder"):
        Roots.from_arguments([])
