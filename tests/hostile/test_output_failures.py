"""Outputs that survive interruption, and output errors that are one line and exit 2 (issue 15).

Each case runs the real command line as a subprocess. Where a moment has to be hit exactly (a
kill after the first report, a signal inside an atomic write) the subprocess patches one
function of curvelint first and then runs its real ``main()``.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from curvelint.report.output import JOURNAL, MANIFEST
from tests.hostile.helpers import manifest_files, written_files

ENV = {**os.environ, "CI": "true", "COLUMNS": "200", "CURVELINT_CACHE_MAX_MB": "0"}


def _keras_log(path: Path, epochs: int) -> None:
    rows = ["epoch,loss,val_loss"]
    rows += [f"{e},{math.exp(-e / 5)},{math.exp(-e / 6) + 0.1}" for e in range(epochs)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n")


@pytest.fixture
def shared() -> Iterator[Path]:
    """A folder other users can read (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="curvelint-output-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def logs(shared: Path) -> Path:
    for name, epochs in (("alpha", 20), ("beta", 30), ("gamma", 25)):
        _keras_log(shared / "logs" / name / "training.log", epochs)
    for path in (shared / "logs").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (shared / "logs").chmod(0o755)
    return shared / "logs"


def curvelint(
    *arguments: str,
    prelude: str = "",
    env: dict[str, str] | None = None,
    shell_prefix: str = "",
) -> subprocess.CompletedProcess[str]:
    """The real CLI in a new process, after ``prelude`` (Python run first) if any."""
    code = "\n".join(
        [
            "import sys",
            prelude,
            "from curvelint.cli import main",
            "sys.argv[0] = 'curvelint'",
            "main()",
        ]
    )
    command = [sys.executable, "-c", code, *arguments]
    if shell_prefix:
        command = ["sh", "-c", f'{shell_prefix} && exec "$@"', "sh", *command]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=env if env is not None else ENV,
        cwd="/",
    )


def assert_one_line_error(completed: subprocess.CompletedProcess[str], *words: str) -> None:
    assert completed.returncode == 2, completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout
    lines = completed.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("curvelint: error: "), completed.stderr
    for word in words:
        assert word in lines[0], lines[0]


def _no_temporaries(out: Path) -> None:
    assert not [p for p in out.rglob("*.tmp")], list(out.rglob("*.tmp"))


# --------------------------------------------------------------- interruption and re-runs

KILL_AFTER_FIRST_REPORT = """
import os, signal
import curvelint.pipeline
real = curvelint.pipeline._write
def _write(task, key, rendered):
    real(task, key, rendered)  # the first run's files are written, then the process dies
    os.kill(os.getpid(), signal.SIGKILL)
curvelint.pipeline._write = _write
"""


def test_a_first_run_killed_with_sigkill_can_be_run_again_into_its_folder(
    logs: Path, shared: Path
) -> None:
    out = shared / "out"
    killed = curvelint(
        "analyze", str(logs), "--out", str(out), "-j", "1", prelude=KILL_AFTER_FIRST_REPORT
    )
    assert killed.returncode == -signal.SIGKILL
    assert (out / "alpha" / "report.md").is_file() and not (out / MANIFEST).exists()
    again = curvelint("analyze", str(logs), "--out", str(out), "--fail-on", "never", "-j", "1")
    assert again.returncode == 0, again.stderr  # was: "not empty and was not written by curvelint"
    assert written_files(out) == manifest_files(out) | {MANIFEST}
    assert not (out / JOURNAL).exists()


def test_a_run_killed_while_replacing_leaves_no_unlisted_file_after_the_next(
    logs: Path, shared: Path
) -> None:
    out = shared / "out"
    first = curvelint("analyze", str(logs), "--out", str(out), "--fail-on", "never", "-j", "1")
    assert first.returncode == 0, first.stderr
    _keras_log(logs / "delta" / "training.log", 15)  # a new run: a new folder in --out
    (logs / "delta").chmod(0o755)
    killed = curvelint(
        "analyze", str(logs), "--out", str(out), "-j", "1", prelude=KILL_AFTER_FIRST_REPORT
    )
    assert killed.returncode == -signal.SIGKILL
    shutil.rmtree(logs / "delta")  # gone before the re-run: its files must go too
    again = curvelint("analyze", str(logs), "--out", str(out), "--fail-on", "never", "-j", "1")
    assert again.returncode == 0, again.stderr
    assert written_files(out) == manifest_files(out) | {MANIFEST}


def test_a_full_disk_is_one_line_and_the_next_run_succeeds(logs: Path, shared: Path) -> None:
    out = shared / "out"
    full = curvelint("analyze", str(logs), "--out", str(out), shell_prefix="ulimit -f 8")
    assert_one_line_error(full, str(out), "File too large")
    again = curvelint("analyze", str(logs), "--out", str(out), "--fail-on", "never")
    assert again.returncode == 0, again.stderr
    assert written_files(out) == manifest_files(out) | {MANIFEST}
    _no_temporaries(out)


def test_a_second_run_into_a_folder_being_written_is_refused_in_one_line(
    logs: Path, shared: Path
) -> None:
    out = shared / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        refused = curvelint("analyze", str(logs), "--out", str(out))
        assert_one_line_error(refused, "another curvelint")
    finally:
        holder.communicate("", timeout=60)
    after = curvelint("analyze", str(logs), "--out", str(out), "--fail-on", "never")
    assert after.returncode == 0, after.stderr


HOLD_LOCK = """
import sys
from pathlib import Path
from curvelint.report import output
output.prepare(Path(sys.argv[1]))
print("held", flush=True)
sys.stdin.read()
"""


SIGNAL_INSIDE_WRITE = """
import os, signal, time
import curvelint.report.output as output
from curvelint.atomic import write_atomically
def write_readable(path, data):
    def write(temporary):
        temporary.write_bytes(data)
        if path.name == "report.md":
            os.kill(os.getpid(), signal.{name})
            time.sleep(30)
    write_atomically(path, write)
output.write_readable = write_readable
"""


@pytest.mark.parametrize(("name", "code"), [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_signal_exits_without_a_traceback_and_removes_temporaries(
    logs: Path, shared: Path, name: str, code: int
) -> None:
    out = shared / "out"
    stopped = curvelint(
        "analyze", str(logs), "--out", str(out), "-j", "1",
        prelude=SIGNAL_INSIDE_WRITE.replace("{name}", name),
    )  # fmt: skip
    assert stopped.returncode == code, stopped.stderr
    assert "Traceback" not in stopped.stderr
    assert len(stopped.stderr.splitlines()) == 1
    _no_temporaries(out)
    again = curvelint("analyze", str(logs), "--out", str(out), "--fail-on", "never")
    assert again.returncode == 0, again.stderr


def test_logs_inside_an_earlier_out_are_not_called_missing(logs: Path, shared: Path) -> None:
    out = shared / "report"
    _keras_log(out / "kept" / "training.log", 10)
    completed = curvelint("analyze", str(out), "--out", str(out))
    assert_one_line_error(completed, "inside --out")


# ------------------------------------------------------------------ one-line output errors


def test_a_folder_that_cannot_be_written_is_one_line(logs: Path, shared: Path) -> None:
    """A read-only folder; root writes anywhere a mode allows, but not below /sys."""
    out = shared / "read-only"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:
        out = Path("/sys/curvelint-out")
    completed = curvelint("analyze", str(logs), "--out", str(out))
    assert_one_line_error(completed, str(out))


def test_a_missing_parent_that_cannot_be_made_is_one_line(logs: Path, shared: Path) -> None:
    (shared / "a-file").write_text("x")
    completed = curvelint("analyze", str(logs), "--out", str(shared / "a-file" / "sub" / "out"))
    assert_one_line_error(completed, "a-file")


def test_a_file_where_the_out_folder_should_be_is_one_line(logs: Path, shared: Path) -> None:
    (shared / "a-file").write_text("x")
    completed = curvelint("analyze", str(logs), "--out", str(shared / "a-file"))
    assert_one_line_error(completed, "is a file")


def test_frame_to_an_existing_folder_is_one_line(logs: Path, shared: Path) -> None:
    (shared / "table.csv").mkdir()
    completed = curvelint("frame", str(logs), "--to", str(shared / "table.csv"))
    assert_one_line_error(completed, "is a folder")


def test_frame_to_a_255_byte_name_is_written(logs: Path, shared: Path) -> None:
    destination = shared / ("f" * 251 + ".csv")
    completed = curvelint("frame", str(logs), "--to", str(destination))
    assert completed.returncode == 0, completed.stderr
    assert destination.read_text(encoding="utf-8").startswith("run,")
    assert [p.name for p in shared.iterdir() if p.name.endswith(".tmp")] == []


def test_a_step_summary_that_is_a_folder_is_one_line(logs: Path, shared: Path) -> None:
    (shared / "summary").mkdir()
    env = {**ENV, "GITHUB_STEP_SUMMARY": str(shared / "summary")}
    completed = curvelint(
        "analyze", str(logs), "--out", str(shared / "out"), "--github", "-q", env=env
    )
    assert_one_line_error(completed, "GITHUB_STEP_SUMMARY")
    assert (shared / "out" / "index.md").is_file()


UNKNOWN_USER = """
import pwd
def getpwuid(uid):
    raise KeyError(f"getpwuid(): uid not found: {uid}")
pwd.getpwuid = getpwuid  # what Python sees for a user id with no passwd entry
"""


@pytest.mark.parametrize("command", ["analyze", "frame"])
def test_a_user_without_passwd_entry_or_home_runs_without_a_cache(
    logs: Path, shared: Path, command: str
) -> None:
    hidden = ("HOME", "XDG_CACHE_HOME", "CURVELINT_CACHE_DIR", "CURVELINT_CACHE_MAX_MB")
    env = {k: v for k, v in ENV.items() if k not in hidden}
    arguments = ["--out", str(shared / "out"), "--fail-on", "never"] if command == "analyze" else []
    completed = curvelint(command, str(logs), *arguments, env=env, prelude=UNKNOWN_USER)
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr


def test_stat_of_out_is_unchanged_by_a_refused_run(logs: Path, shared: Path) -> None:
    """A refused folder of someone else's files is left exactly as it was."""
    out = shared / "theirs"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    before = sorted(p.name for p in out.iterdir())
    completed = curvelint("analyze", str(logs), "--out", str(out))
    assert_one_line_error(completed, "not written by curvelint")
    assert sorted(p.name for p in out.iterdir()) == before
    assert stat.S_ISDIR(out.stat().st_mode)
