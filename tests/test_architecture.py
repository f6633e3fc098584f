"""The package's shape: no import circles, small modules, ``curvelint.compare`` only under the
front ends (the CLI and the MCP server), analysis and diagnosis called only by the judging layer.

The import graph is read from the source with :mod:`ast`, so it sees every import a module
can run — at module level and inside functions — except those under ``if TYPE_CHECKING:``,
which never run. ``from curvelint.a import b`` is an edge to the module ``curvelint.a.b`` when
there is one, else to ``curvelint.a``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "curvelint"
MAX_LINES = 400
# Modules allowed over the limit (none now); never add one.
TOO_LONG_FOR_NOW: frozenset[str] = frozenset()
COMPARE = "curvelint.compare"
# The front ends that run ``compare``: the CLI, and the MCP server's compare_runs tool (a second
# front end, added on main after this rule was written). Nothing below them imports compare.
COMPARE_IMPORTERS = frozenset({"curvelint.cli_compare", "curvelint.mcp_server.tools"})

Graph = dict[str, set[str]]


def module_name(path: Path) -> str:
    """``curvelint/report/build.py`` → ``curvelint.report.build`` (a package is its folder)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Every module of the package by name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement below ``node``, skipping ``if TYPE_CHECKING:`` bodies (their
    ``else:`` still runs)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        elif isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield from _imports(ast.Module(body=[other], type_ignores=[]))
        else:
            yield from _imports(child)


def _absolute(name: str, statement: ast.ImportFrom) -> str:
    """The absolute module of a ``from`` import (relative ones resolved against ``name``)."""
    if statement.level == 0:
        return statement.module or ""
    base = name.split(".")
    is_package = modules()[name].name == "__init__.py"
    anchor = base if is_package else base[:-1]
    anchor = anchor[: len(anchor) - (statement.level - 1)]
    return ".".join([*anchor, *([statement.module] if statement.module else [])])


def _known(target: str, known: set[str]) -> str | None:
    """``target`` or its nearest enclosing package that is a module of ours."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target or None


def _targets(name: str, statement: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    if isinstance(statement, ast.Import):
        found = {_known(alias.name, known) for alias in statement.names}
    else:
        source = _absolute(name, statement)
        found = {
            f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else _known(source, known)
            for alias in statement.names
        }
    return {target for target in found if target is not None and target != name}


def import_graph() -> Graph:
    """Module → the package's modules it imports (module- and function-level)."""
    found = modules()
    known = set(found)
    graph: Graph = {}
    for name, path in found.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[name] = {
            target for statement in _imports(tree) for target in _targets(name, statement, known)
        }
    return graph


def reachable(graph: Graph, start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    found: set[str] = set()
    frontier = [start]
    while frontier:
        following = [t for node in frontier for t in graph.get(node, ()) if t not in found]
        found.update(following)
        frontier = following
    return found


def cycles(graph: Graph) -> list[list[str]]:
    """One cycle (``a → b → … → a``) through each group of modules that import each other."""
    reach = {node: reachable(graph, node) for node in graph}
    seen: set[str] = set()
    found = []
    for node in sorted(graph):
        if node in seen or node not in reach[node]:
            continue
        component = {other for other in reach[node] if node in reach.get(other, set())}
        seen |= component
        found.append(_cycle_in(graph, component))
    return found


def _cycle_in(graph: Graph, component: set[str]) -> list[str]:
    """A shortest way from the component's first module back to itself, inside the component."""
    start = min(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & component):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle in {sorted(component)}")  # pragma: no cover


def test_the_graph_sees_function_level_imports_and_skips_type_checking() -> None:
    graph = import_graph()
    # pipeline.py imports curvelint.report.output at module level
    assert "curvelint.report.output" in graph["curvelint.pipeline"]
    # judging.py imports curvelint.runs only for type checking
    assert "curvelint.runs" not in graph["curvelint.judging"]
    # cli_compare.py imports the compare package's modules inside its command function
    assert any(target.startswith(COMPARE) for target in graph["curvelint.cli_compare"])


def test_cycles_finds_a_circle_and_names_it() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles() -> None:
    found = cycles(import_graph())
    assert not found, "import circles: " + "; ".join(" → ".join(cycle) for cycle in found)


def test_no_module_over_the_line_limit() -> None:
    too_long = {}
    for path in modules().values():
        relative = path.relative_to(PACKAGE.parent).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES and relative not in TOO_LONG_FOR_NOW:
            too_long[relative] = lines
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


def test_compare_is_imported_only_by_the_front_ends() -> None:
    outside = {
        (name, target)
        for name, targets in import_graph().items()
        if not name.startswith(COMPARE) and name not in COMPARE_IMPORTERS
        for target in targets
        if target == COMPARE or target.startswith(COMPARE + ".")
    }
    assert not outside, f"curvelint.compare imported outside the CLI: {sorted(outside)}"


JUDGES = {"analyze_frame": "curvelint.analysis", "diagnose_run": "curvelint.diagnosis"}


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def test_only_the_judging_layer_calls_analysis_and_diagnosis() -> None:
    calls: dict[str, list[str]] = {name: [] for name in JUDGES}
    for name, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            called = _called_name(node) if isinstance(node, ast.Call) else None
            if called in JUDGES and not name.startswith(JUDGES[called]):
                calls[called].append(f"{name}:{node.lineno}")
    for called, sites in calls.items():
        assert [site.partition(":")[0] for site in sites] == ["curvelint.judging"], (
            f"{called} is called outside curvelint.judging: {sites}"
        )
