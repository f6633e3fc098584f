"""Per-run costs behind docs/scale.md: CPU seconds to read, analyse and render one run of the
benchmark sweep, and the bytes of its outputs, each phase timed apart in one process.

    python -m benchmarks.run_costs [RUNS]      # the first RUNS runs of the full sweep (20)

CPU time (``time.process_time``), not wall time: on a busy machine the two part, and the cost
model multiplies per-run CPU seconds by the runs and divides by the cores.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from benchmarks.datasets import FULL, root_for


def main(argv: list[str]) -> int:
    from curvelint.discover import discover
    from curvelint.judging import judge_run
    from curvelint.pipeline import PipelineOptions
    from curvelint.report.build import build_run_report
    from curvelint.report.model import index_row
    from curvelint.report.paths import folder_names
    from curvelint.report.write import write_run
    from curvelint.run_task import _MemoryFolder
    from curvelint.runs import read_run

    count = int(argv[0]) if argv else 20
    sweep = root_for(FULL) / "sweep"
    specs = sorted(discover([sweep]).runs, key=lambda spec: spec.name)[:count]
    options = PipelineOptions()
    folders = folder_names(spec.name for spec in specs)
    read_run(specs[0])  # lazy imports and matplotlib's first figure, untimed
    phases: dict[str, list[float]] = {"read": [], "analyse": [], "render": []}
    sizes, points, inputs = [], [], []
    for spec in specs:
        started = time.process_time()
        run = read_run(spec)
        read = time.process_time()
        judgement = judge_run(run, options.judging)
        analysed = time.process_time()
        report = build_run_report(
            run, judgement.analysis, judgement.diagnosis, folder=folders[spec.name],
            options=options.report,
        )  # fmt: skip
        folder = _MemoryFolder(Path("unused"))
        write_run(folder, report, html=False)
        index_row(report)
        rendered = time.process_time()
        phases["read"].append(read - started)
        phases["analyse"].append(analysed - read)
        phases["render"].append(rendered - analysed)
        sizes.append(sum(len(data) for data in folder.contents.values()))
        points.append(len(run.frame))
        inputs.append(sum(path.stat().st_size for path in spec.files))
    print(f"{len(specs)} runs of {sweep}, {statistics.mean(points):,.0f} points and "
          f"{statistics.mean(inputs) / 1e3:,.0f} kB of event files each")  # fmt: skip
    for name, values in phases.items():
        print(f"{name:8} median {statistics.median(values):.4f} s  mean "
              f"{statistics.mean(values):.4f} s CPU per run")  # fmt: skip
    print(f"outputs  median {statistics.median(sizes) / 1e3:,.0f} kB per run")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
