"""Runs on a Dask distributed cluster (``pip install 'curvelint[dask]'``).

Each run is one task: a module-level function of a picklable run description, executed on a
worker, whose result (the index row, report.json's content and the rendered files' bytes, or
the parsed run for ``frame``) comes back to the client. The client alone writes the output
folder, so workers need no shared file system, and a task that Dask runs again after its
worker died (Dask reschedules the tasks of a lost worker) can neither leave half a report nor
write one twice. Results are gathered in the order of the runs, so the output is the output of
a local ``--jobs 1``. Workers must run the same curvelint code and libraries as the client:
that is checked before anything is submitted.

``distributed`` is imported only here, and only when a cluster is used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from curvelint.errors import CurvelintError

INSTALL_HINT = "pip install 'curvelint[dask]'"
CONNECT_TIMEOUT_S = 30

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")
_Kept = TypeVar("_Kept")


class DaskError(CurvelintError):
    """The cluster cannot be used: the extra is missing, the scheduler is unreachable, or the
    workers run other code."""


def check_installed() -> None:
    """Raise :class:`DaskError` (one line: what to install) unless the extra is installed."""
    _distributed()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskError(f"--executor dask needs dask and distributed: {INSTALL_HINT}") from None
    return distributed


def _environment() -> tuple[str, tuple[tuple[str, str], ...]]:
    """What makes outputs identical: curvelint's code and the drawing libraries' versions."""
    from curvelint.cache_keys import code_fingerprint, library_versions

    return code_fingerprint(), library_versions()


@dataclass(frozen=True)
class DaskExecutor:
    """A Dask cluster to run on: a scheduler's address (``tcp://host:8786``) or a connected
    ``distributed.Client`` (from Python, e.g. on a ``LocalCluster``)."""

    scheduler: str | None = None
    client: Any = None

    @contextmanager
    def connected(self) -> Iterator[Any]:
        """A client of the cluster, checked; one made here is closed on exit."""
        if self.client is not None:
            _check_workers(self.client)
            yield self.client
            return
        if not self.scheduler:
            raise DaskError("--executor dask needs --scheduler tcp://HOST:8786")
        distributed = _distributed()
        try:
            client = distributed.Client(self.scheduler, timeout=CONNECT_TIMEOUT_S)
        except (OSError, TimeoutError, ValueError) as error:
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise DaskError(f"cannot reach the Dask scheduler {self.scheduler}: {first}") from None
        try:
            _check_workers(client)
            yield client
        finally:
            client.close()

    def map(
        self,
        function: Callable[[_Item], _Result],
        items: Sequence[_Item],
        progress: Callable[[_Result], None] | None = None,
    ) -> list[_Result]:
        """``[function(item) for item in items]`` with one task per item on the cluster."""

        def kept(_index: int, result: _Result) -> _Result:
            if progress is not None:
                progress(result)
            return result

        return self.map_each(function, items, kept)

    def map_each(
        self,
        function: Callable[[_Item], _Result],
        items: Sequence[_Item],
        handle: Callable[[int, _Result], _Kept],
    ) -> list[_Kept]:
        """``[handle(i, function(item)) for i, item in enumerate(items)]``, one task per item
        on the cluster; ``handle`` runs here as each result arrives, in any order.

        Each result is let go as soon as it is handled, on the worker and here: a sweep of
        10,000 runs never holds 10,000 rendered runs (~50 kB each) in memory anywhere, and the
        client writes while the workers compute, instead of all at the end.
        """
        if not items:
            return []
        distributed = _distributed()
        with self.connected() as client:
            futures: list[Any] = client.map(function, items, pure=False)
            position = {future.key: index for index, future in enumerate(futures)}
            pending = distributed.as_completed(futures, with_results=True)
            kept: dict[int, _Kept] = {}
            try:
                for future, result in pending:
                    index = position[future.key]
                    futures[index] = None  # the last reference: Dask frees the result
                    future.release()
                    kept[index] = handle(index, result)
            except distributed.KilledWorker as error:
                first = (str(error).strip().splitlines() or ["KilledWorker"])[0]
                raise DaskError(f"a run kept killing Dask workers, given up: {first}") from None
            finally:
                client.cancel([future for future in futures if future is not None])
        return [kept[index] for index in range(len(items))]


def _check_workers(client: Any) -> None:
    """Refuse workers whose curvelint code or libraries differ from this process's."""
    here = _environment()
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except TimeoutError:
        raise DaskError(f"the Dask cluster at {client.scheduler.address} has no workers") from None
    found = client.run(_environment)
    if not found:
        raise DaskError(f"the Dask cluster at {client.scheduler.address} has no workers")
    for worker, environment in sorted(found.items()):
        code, libraries = environment
        if (code, tuple(map(tuple, libraries))) != here:
            raise DaskError(
                f"Dask worker {worker} runs other curvelint code or library versions than "
                "this process: install the same versions there"
            )
