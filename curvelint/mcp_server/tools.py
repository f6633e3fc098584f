"""What each MCP tool answers, computed by the library exactly as the commands compute it.

No MCP here: every method takes plain arguments, returns a JSON-ready dict and raises
:class:`CurvelintError` for anything the client should read as an error. The analysis is
``curvelint analyze`` itself (:func:`curvelint.pipeline.analyze_paths` into a private
folder that no client can name, whose summary.json is returned), the comparison is
``curvelint compare``'s :func:`~curvelint.compare.build.compare_paths` and compare.json's
builder, and a series is analysed by :func:`curvelint.judging.analyze_run_frame` as the reports
analyse it. The configuration is found as the commands find it (``curvelint.toml`` at or
above the path).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curvelint.errors import ConfigError, CurvelintError
from curvelint.mcp_server.roots import Roots, shown
from curvelint.remote import is_url
from curvelint.report.json_output import JsonObject, dumps

if TYPE_CHECKING:
    from curvelint.cache import Cache
    from curvelint.config import Config
    from curvelint.pipeline import PipelineOptions, PipelineResult
    from curvelint.runs import Run

DEFAULT_MAX_POINTS = 500
MAX_MAX_POINTS = 20_000
NAMES_SHOWN = 20
LEARNING_RATE = "learning_rate"  # analysed with the series: it explains its change-points
RUN_KEYS = ("run", "folder", "format", "verdict", "reason", "overview", "main_series")


def _config(located: str) -> Config:
    from curvelint.config import load_config

    return load_config(None if is_url(located) else Path(located))


def _names(names: list[str]) -> str:
    listed = ", ".join(shown(name) for name in names[:NAMES_SHOWN])
    more = f" and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
    return (listed + more) or "none"


def _main_row(document: JsonObject) -> JsonObject | None:
    """The run's main series as report.json lists it (key numbers: final, best, points)."""
    for row in document.get("series", []):
        key = f"{row['metric']}/{row['split']}" if row["split"] else row["metric"]
        if key == document.get("main_series"):
            return dict(row)
    return None


def _as_written(document: JsonObject) -> JsonObject:
    """``document`` exactly as report.json holds it (plain JSON values)."""
    written: JsonObject = json.loads(dumps(document))
    return written


def _brief(document: JsonObject) -> JsonObject:
    """One run of the summary: verdict, reason, key numbers, findings in one line each."""
    brief = {key: document.get(key) for key in RUN_KEYS}
    brief["main"] = _main_row(document)
    brief["findings"] = [
        {"code": f["code"], "severity": f["severity"], "message": f["message"]}
        for f in document.get("findings", [])
    ]
    brief["skipped"] = len(document.get("skipped", []))
    return brief


@dataclass(frozen=True)
class Tools:
    """The tools over some roots. ``cache`` is curvelint's cache (None: off); ``workspace``
    is a private folder for the rendered reports (None: a temporary folder per call)."""

    roots: Roots
    cache: Cache | None = None
    jobs: int = 1
    workspace: Path | None = None

    def _options(
        self, located: str, main_metric: str | None = None, num_classes: int | None = None
    ) -> PipelineOptions:
        from curvelint.pipeline import pipeline_options

        if num_classes is not None and num_classes < 2:
            raise ConfigError(f"num_classes {num_classes}: a classifier has 2 classes or more")
        return pipeline_options(_config(located), main_metric=main_metric, num_classes=num_classes)

    def _analyze(self, located: str, options: PipelineOptions) -> PipelineResult:
        """``curvelint analyze`` of one path, rendered into a folder of the workspace kept
        per path: with the cache on, a second call on unchanged files reuses its outputs
        (rendering the plots is most of the work) instead of drawing them again."""
        from curvelint.pipeline import analyze_paths

        if self.workspace is not None:
            out = self.workspace / hashlib.sha256(located.encode("utf-8", "replace")).hexdigest()
            return analyze_paths([located], out, options, jobs=self.jobs, cache=self.cache)
        with tempfile.TemporaryDirectory(prefix="curvelint-mcp-") as folder:
            return analyze_paths(
                [located], Path(folder) / "report", options, jobs=self.jobs, cache=self.cache
            )

    def analyze(
        self, path: str, main_metric: str | None = None, num_classes: int | None = None
    ) -> JsonObject:
        """Every run under ``path``: verdict, reason, key numbers and findings (summary.json
        of ``curvelint analyze``, each run shortened to what a first look needs)."""
        located = self.roots.confine(path)
        result = self._analyze(located, self._options(located, main_metric, num_classes))
        summary: JsonObject = json.loads(result.summary_json)
        summary["path"] = located
        summary["runs"] = [_brief(document) for document in summary["runs"]]
        return summary

    def run_report(self, path: str, run: str | None = None) -> JsonObject:
        """report.json of one run under ``path`` (the only run there when ``run`` is empty)."""
        located = self.roots.confine(path)
        result = self._analyze(located, self._options(located))
        documents = list(result.documents)
        names = [str(document["run"]) for document in documents]
        if not run and len(documents) == 1:
            return _as_written(documents[0])
        for document in documents:
            if document["run"] == run:
                return _as_written(document)
        what = f"no run named {shown(run)}" if run else "several runs"
        raise CurvelintError(f"{what} under {shown(path)}; its runs: {_names(names)}")

    def _read(self, located: str, path: str, run: str) -> Run:
        from curvelint.runs import read_runs

        report = read_runs([located], cache=self.cache)
        for found in report.runs:
            if found.name == run:
                return found
        for failed in report.failed:
            if failed.name == run:
                raise CurvelintError(f"run {shown(run)} is unreadable: {failed.error}")
        names = [found.name for found in report.runs]
        raise CurvelintError(
            f"no run named {shown(run)} under {shown(path)}; runs: {_names(names)}"
        )

    def series(
        self,
        path: str,
        run: str,
        metric: str,
        split: str = "train",
        max_points: int = DEFAULT_MAX_POINTS,
    ) -> JsonObject:
        """One curve of one run: at most ``max_points`` points (extremes and NaN/inf kept) and
        its smoothed curve as the reports draw it."""
        from curvelint.judging import analyze_run_frame
        from curvelint.mcp_server.series import MIN_POINTS, series_document

        if not MIN_POINTS <= max_points <= MAX_MAX_POINTS:
            raise ConfigError(f"max_points {max_points}: use {MIN_POINTS} to {MAX_MAX_POINTS}")
        located = self.roots.confine(path)
        frame = self._read(located, path, run).frame
        wanted = (frame["metric"] == metric) & (frame["split"] == split)
        if not wanted.any():
            pairs = frame[["metric", "split"]].drop_duplicates().itertuples(index=False)
            keys = sorted(f"{m}/{s}" if s else str(m) for m, s in pairs)
            raise CurvelintError(
                f"run {shown(run)} has no series {shown(metric)}/{shown(split)}; "
                f"its series (metric/split): {_names(keys)}"
            )
        rows = frame[wanted | (frame["metric"] == LEARNING_RATE)]
        judging = self._options(located).judging
        analysis = analyze_run_frame(run, rows, judging).series(metric, split)
        if analysis is None:  # pragma: no cover - the rows above hold it
            raise AssertionError("the selected series was not analysed")
        return series_document(analysis, max_points, judging.analysis.smoothing)

    def compare(
        self,
        base: str,
        head: str,
        metrics: list[str] | None = None,
        fail_if_worse: str | None = None,
    ) -> JsonObject:
        """compare.json of ``curvelint compare BASE HEAD`` (nothing written)."""
        from curvelint.compare.build import compare_options, compare_paths
        from curvelint.compare.json_output import compare_document

        located_base, located_head = self.roots.confine(base), self.roots.confine(head)
        options = compare_options(
            _config(located_base), threshold=fail_if_worse, metrics=tuple(metrics or ())
        )
        return compare_document(compare_paths(located_base, located_head, options))


def to_json(document: Any) -> Any:
    """``document`` with every string encodable as UTF-8 (a file name's undecodable bytes
    come back from the file system as lone surrogates, which no JSON-RPC message can carry)."""
    if isinstance(document, str):
        return document.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(document, dict):
        return {to_json(key): to_json(value) for key, value in document.items()}
    if isinstance(document, list | tuple):
        return [to_json(value) for value in document]
    return document
