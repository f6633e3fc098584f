"""`curvelint mcp` as a command: one-line usage errors, the SDK imported only when serving,
and nothing but JSON-RPC messages on its stdout."""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, SAMPLE_LOGS
from tests.test_startup import imported_by

INSTALL_LINE = "curvelint: error: curvelint mcp needs the MCP SDK: pip install 'curvelint[mcp]'\n"
RESPONSE_TIMEOUT_S = 300.0


def _run(
    arguments: list[str], tmp_path: Path, python_path: list[Path]
) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(path) for path in python_path),
        "CURVELINT_CACHE_DIR": str(tmp_path / "cache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "curvelint", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=environment,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )


def test_without_the_extra_it_says_how_to_install_it(tmp_path: Path) -> None:
    """An ``mcp`` that cannot be imported (as where the extra is not installed)."""
    shadow = tmp_path / "no_sdk"
    shadow.mkdir()
    (shadow / "mcp.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'mcp'\", name='mcp')\n", encoding="utf-8"
    )
    completed = _run(["mcp", str(SAMPLE_LOGS)], tmp_path, [shadow, REPO])
    assert completed.returncode == 2
    assert completed.stderr == INSTALL_LINE
    assert completed.stdout == ""


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["mcp", "no_such_folder"], "no_such_folder: no such file or folder"),
        (["mcp", "s3://bucket/../x"], "a root URL cannot contain '..'"),
        (["mcp", ".", "--jobs", "0"], "--jobs 0: use 1 or more"),
    ],
)
def test_bad_roots_are_one_line_usage_errors(
    arguments: list[str], words: str, tmp_path: Path
) -> None:
    completed = _run(arguments, tmp_path, [REPO])
    assert completed.returncode == 2
    assert completed.stderr.startswith("curvelint: error: ") and words in completed.stderr
    assert completed.stderr.count("\n") == 1


@pytest.mark.parametrize("arguments", [["--help"], ["mcp", "--help"]])
def test_help_does_not_import_the_sdk(arguments: list[str], tmp_path: Path) -> None:
    code, modules = imported_by(arguments, tmp_path)
    assert code == 0
    assert not any(name == "mcp" or name.startswith("mcp.") for name in modules)


def _request(identifier: int, method: str, params: dict[str, Any]) -> str:
    return json.dumps({"jsonrpc": "2.0", "id": identifier, "method": method, "params": params})


def _read_lines_until(process: subprocess.Popen[bytes], wanted: set[int]) -> list[bytes]:
    """Every stdout line until responses to ``wanted`` ids arrived (or the time is up)."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + RESPONSE_TIMEOUT_S
    buffer, lines, answered = b"", [], set()
    while not wanted <= answered and time.monotonic() < deadline:
        if not selector.select(timeout=1.0):
            continue
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        *complete, buffer = buffer.split(b"\n")
        for line in complete:
            lines.append(line)
            answered.add(json.loads(line).get("id"))
    return lines


def test_stdout_carries_only_json_rpc_messages(tmp_path: Path) -> None:
    root = tmp_path / "root"
    shutil.copytree(SAMPLE_LOGS / "torch_regression_nan", root / "torch_regression_nan")
    shutil.copytree(SAMPLE_LOGS / "keras_csv_iris_healthy", root / 'a\n{"id": 9}\r\x1b[2J')
    messages = [
        _request(
            1,
            "initialize",
            {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        ),
        json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        _request(2, "tools/call", {"name": "analyze_path", "arguments": {"path": str(root)}}),
        _request(3, "tools/call", {"name": "run_report", "arguments": {"path": "/etc"}}),
        "this line is not JSON",
        _request(
            4,
            "tools/call",
            {
                "name": "get_series",
                "arguments": {
                    "path": ".",
                    "run": "torch_regression_nan",
                    "metric": "loss",
                    "max_points": 10,
                },
            },
        ),
    ]
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "CURVELINT_CACHE_DIR": str(tmp_path / "cache"),
    }
    with subprocess.Popen(
        [sys.executable, "-m", "curvelint", "mcp", str(root)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=environment,
        cwd=tmp_path,
    ) as process:
        try:
            assert process.stdin is not None
            process.stdin.write("".join(line + "\n" for line in messages).encode())
            process.stdin.flush()
            lines = _read_lines_until(process, {1, 2, 3, 4})
        finally:
            process.kill()
    replies = {reply.get("id"): reply for reply in map(json.loads, lines)}
    assert all(reply["jsonrpc"] == "2.0" for reply in replies.values())
    runs = replies[2]["result"]["structuredContent"]["runs"]
    assert sorted(run["verdict"] for run in runs) == ["diverged", "healthy"]
    assert replies[3]["result"]["isError"] is True
    assert replies[4]["result"]["structuredContent"]["returned_points"] <= 10
