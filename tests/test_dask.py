"""``--executor dask`` on a real ``distributed.LocalCluster`` of worker processes: the same
reports as ``--jobs 1``, a worker killed mid-sweep loses nothing, S3 logs read on the workers."""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from curvelint.dask_executor import DaskError, DaskExecutor
from curvelint.pipeline import analyze_paths
from curvelint.run_task import RenderedRun
from curvelint.runs import read_runs
from tests.moto_s3 import moto_s3
from tests.test_cache import age, output_files, write_csv, write_events

distributed = pytest.importorskip("distributed")
BUCKET = "curvelint-dask-test"  # its own: moto's buckets are shared by every server it starts

RUNS = 6


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """TensorBoard runs (TensorBoard's writer) and Keras CSV logs, two of them seeds of one."""
    root = tmp_path_factory.mktemp("dask") / "sweep"
    for index in range(RUNS):
        write_events(root / f"lr{index}-seed{index % 2}", steps=150, scale=1.0 + index)
    write_csv(root / "keras" / "training.log")
    age(root)
    return root


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two worker processes of one thread each, on 127.0.0.1."""
    with local_cluster() as local:
        yield local


def local_cluster() -> Any:
    """Two worker processes of one thread each, on 127.0.0.1 (the dashboard on a free port)."""
    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=":0"
    )


def test_reports_equal_a_local_jobs_1_run(sweep: Path, tmp_path: Path, cluster: Any) -> None:
    local = analyze_paths([sweep], tmp_path / "local", jobs=1)
    with distributed.Client(cluster) as client:
        remote = analyze_paths([sweep], tmp_path / "dask", executor=DaskExecutor(client=client))
    assert output_files(tmp_path / "dask") == output_files(tmp_path / "local")
    assert remote.rows == local.rows and remote.summary_json == local.summary_json
    assert len(remote.rows) == RUNS + 1


def test_frame_on_the_cluster_equals_a_local_read(sweep: Path, cluster: Any) -> None:
    local = read_runs([sweep], jobs=1)
    with distributed.Client(cluster) as client:
        remote = read_runs([sweep], executor=DaskExecutor(client=client))
    assert [run.name for run in remote.runs] == [run.name for run in local.runs]
    for one, two in zip(remote.runs, local.runs, strict=True):
        assert one.frame.equals(two.frame)


def test_the_cli_runs_on_a_scheduler_address(sweep: Path, tmp_path: Path, cluster: Any) -> None:
    """The real CLI as a subprocess, pointed at the cluster's scheduler by address, with a
    path relative to its own folder (not the workers'): the reports name it as given."""
    from tests.test_cli_analyze import curvelint as run_cli

    env = {"CURVELINT_CACHE_MAX_MB": "0"}
    here = sweep.parent
    done = run_cli(
        "analyze", "sweep", "--out", str(tmp_path / "dask"), "--fail-on", "never",
        "--executor", "dask", "--scheduler", cluster.scheduler_address,
        cwd=here, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    plain = run_cli("analyze", "sweep", "--out", str(tmp_path / "plain"), "--fail-on", "never",
                    "--jobs", "1", cwd=here, env=env)  # fmt: skip
    assert plain.returncode == 0, plain.stderr
    assert output_files(tmp_path / "dask") == output_files(tmp_path / "plain")
    framed = run_cli("frame", "sweep", "--executor", "dask", "--scheduler",
                     cluster.scheduler_address, cwd=here, env=env)  # fmt: skip
    local = run_cli("frame", "sweep", "--jobs", "1", cwd=here, env=env)
    assert framed.returncode == 0 and "lr0-seed0" in framed.stdout, framed.stderr
    assert framed.stdout == local.stdout
    unreachable = run_cli("analyze", str(sweep), "--out", "x", "--executor", "dask",
                          "--scheduler", "tcp://127.0.0.1:9", cwd=tmp_path, env=env)  # fmt: skip
    assert unreachable.returncode == 2 and "Traceback" not in unreachable.stderr
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:9" in unreachable.stderr
    alone = run_cli("analyze", str(sweep), "--executor", "dask", cwd=tmp_path, env=env)
    assert alone.returncode == 2 and "needs --scheduler" in alone.stderr


def test_a_worker_killed_mid_sweep_loses_and_repeats_nothing(
    sweep: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL one of two worker processes as soon as the first run comes back: Dask runs the
    lost worker's runs again elsewhere, and every file is written once, by the client."""
    written: list[str] = []
    from curvelint.report import output

    original = output.OutputFolder.write_bytes

    def counting(self: Any, relative: str, data: bytes) -> None:
        written.append(relative)
        original(self, relative, data)

    monkeypatch.setattr(output.OutputFolder, "write_bytes", counting)
    local = analyze_paths([sweep], tmp_path / "local", jobs=1)
    written.clear()
    with (
        local_cluster() as cluster,
        distributed.Client(cluster) as client,
    ):
        pids = sorted(client.run(os.getpid).values())
        killed = threading.Event()

        def kill_one(row: object) -> None:
            if not killed.is_set():
                killed.set()
                os.kill(pids[0], signal.SIGKILL)

        result = analyze_paths(
            [sweep], tmp_path / "dask", executor=DaskExecutor(client=client), progress=kill_one
        )
    assert killed.is_set()
    assert output_files(tmp_path / "dask") == output_files(tmp_path / "local")
    assert result.rows == local.rows
    assert len(written) == len(set(written)), "a file was written twice"


def test_each_rendered_run_is_let_go_once_written(
    sweep: Path, tmp_path: Path, cluster: Any
) -> None:
    """The client writes each run as its result arrives and keeps none of the rendered bytes:
    when a run is reported written, no run written before it is still in this process (a
    client that gathered every result and then wrote them would hold them all)."""
    written: list[weakref.ref[RenderedRun]] = []
    held_when_written: list[int] = []

    def observe(row: object) -> None:
        gc.collect()
        held_when_written.append(sum(ref() is not None for ref in written))
        (rendered,) = [
            held
            for held in gc.get_objects()
            if type(held) is RenderedRun and held.outcome.row is row  # no __class__ lookups
        ]
        written.append(weakref.ref(rendered))

    with distributed.Client(cluster) as client:
        result = analyze_paths(
            [sweep], tmp_path / "dask", executor=DaskExecutor(client=client), progress=observe
        )
    assert len(result.rows) == len(written) == RUNS + 1
    assert held_when_written == [0] * len(written)


@pytest.fixture(scope="module")
def s3() -> Iterator[Any]:
    """A moto S3 server on 127.0.0.1 and a bucket (as in tests/test_remote.py)."""
    pytest.importorskip("s3fs")
    pytest.importorskip("moto.server")
    with moto_s3(BUCKET) as filesystem:
        yield filesystem


def test_workers_read_s3_logs_themselves(
    s3: Any, tmp_path: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logs in a local S3-compatible server (moto): the client reads only the start of each
    file, the workers fetch the runs, and the reports equal a local run's (URLs named)."""
    from curvelint import remote
    from curvelint.remote_runs import HEAD_BYTES

    source = tmp_path / "bucket" / "runs"
    for index in range(3):
        write_events(source / f"run{index}", steps=3000, scale=1.0 + index)
    assert all(path.stat().st_size > 2 * HEAD_BYTES for path in source.rglob("*tfevents*"))
    write_csv(source / "keras" / "training.log")
    s3.put(str(source), f"{BUCKET}/dask/runs", recursive=True)
    url = f"s3://{BUCKET}/dask/runs"
    env = {name: os.environ[name] for name in os.environ if name.startswith(("AWS_", "NO_PROXY"))}
    plain = analyze_paths([url], tmp_path / "plain", jobs=1)
    copied: list[int] = []  # bytes of each copy made in this process (the client)
    original = remote._copy

    def counting(filesystem: Any, source: str, target: Path, head: int | None = None) -> None:
        original(filesystem, source, target, head)
        copied.append(target.stat().st_size)

    monkeypatch.setattr(remote, "_copy", counting)
    with distributed.Client(cluster) as client:
        client.run(_set_environment, env)
        on_cluster = analyze_paths([url], tmp_path / "dask", executor=DaskExecutor(client=client))
        framed = read_runs([url], executor=DaskExecutor(client=client))
    assert copied and max(copied) <= HEAD_BYTES, "the client copied whole event files"
    assert output_files(tmp_path / "dask") == output_files(tmp_path / "plain")
    assert on_cluster.rows == plain.rows
    assert not any(b"curvelint-remote" in data for data in output_files(tmp_path / "dask").values())
    assert sorted(run.name for run in framed.runs) == ["keras", "run0", "run1", "run2"]
    assert all(url in str(run.files[0]) for run in framed.runs)


def _set_environment(values: dict[str, str]) -> None:
    """On each worker: the moto endpoint and keys (what a real cluster has in its config)."""
    import s3fs

    os.environ.update(values)
    s3fs.S3FileSystem.clear_instance_cache()


def test_without_the_extra_the_error_is_one_line(tmp_path: Path) -> None:
    """`curvelint --help` does not import dask; without it, --executor dask says what to
    install in one line."""
    script = (
        "import sys; sys.modules['distributed'] = None\n"
        "from curvelint.cli import main; sys.argv = ['curvelint', 'analyze', '.', "
        "'--executor', 'dask', '--scheduler', 'tcp://127.0.0.1:9']; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "pip install 'curvelint[dask]'" in done.stderr
    helped = subprocess.run(
        [sys.executable, "-c", "import sys, runpy; sys.argv=['curvelint', '--help'];"
         "from curvelint.cli import main\ntry: main()\nexcept SystemExit: pass\n"
         "print('dask' in sys.modules, 'distributed' in sys.modules)"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert helped.stdout.strip().endswith("False False"), helped.stdout


def test_no_scheduler_is_a_one_line_error() -> None:
    with pytest.raises(DaskError, match="needs --scheduler"):
        DaskExecutor().map(len, ["a"])


def test_workers_with_other_code_are_refused(
    sweep: Path, tmp_path: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their plots could differ: nothing is submitted, nothing written, one line says why."""
    from curvelint import cache_keys

    monkeypatch.setattr(cache_keys, "code_fingerprint", lambda: "an edited checkout")
    with (
        distributed.Client(cluster) as client,
        pytest.raises(DaskError, match="runs other curvelint code"),
    ):
        analyze_paths([sweep], tmp_path / "out", executor=DaskExecutor(client=client))
    assert not (tmp_path / "out" / "lr0-seed0").exists()
