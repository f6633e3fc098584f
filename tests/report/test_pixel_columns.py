"""Plots never draw more points than their pixel columns can show, and lose no extreme.

A dense loss written by torch's SummaryWriter (40,000 points, spikes, a dip, NaN and inf) is
read and reported as ``analyze`` does; the drawn lines are checked against the axes' width in
pixels and must still hold every spike, the dip and a mark for each non-finite stretch.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from curvelint.report.pixel_columns import (
    POINTS_PER_COLUMN,
    band_envelope,
    m4_indices,
    one_per_column,
)
from curvelint.report.plots import draw
from tests.readers.writers import require, run_writer
from tests.report.real_runs import report_of

SPIKES = {1234: 9.0, 20_000: 7.5, 33_333: 8.25}
DIP = (15_000, -3.0)
NAN_STEPS = range(25_000, 25_005)
INF_STEP = 30_000

WRITER = """
import math
import sys
from pathlib import Path
import numpy as np
from torch.utils.tensorboard import SummaryWriter

spikes = {1234: 9.0, 20_000: 7.5, 33_333: 8.25}
noise = np.random.default_rng(0).normal(0.0, 0.02, 40_000)
writer = SummaryWriter(str(Path(sys.argv[1]) / "dense"))
for step in range(40_000):
    value = 2.0 * (1 + step / 400) ** -0.4 + noise[step]
    value = spikes.get(step, value)
    if step == 15_000:
        value = -3.0
    if 25_000 <= step < 25_005:
        value = math.nan
    if step == 30_000:
        value = math.inf
    writer.add_scalar("train/loss", value, step)
writer.close()
"""


@pytest.fixture(scope="module")
def dense_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("torch")
    folder = tmp_path_factory.mktemp("dense")
    run_writer(WRITER, folder)
    return folder / "dense"


def test_the_drawn_loss_keeps_every_extreme_within_its_pixel_budget(dense_log: Path) -> None:
    figure = draw(report_of(dense_log).plots[0])
    figure.canvas.draw()  # type: ignore[no-untyped-call]
    axes = figure.axes[0]
    width_pixels = axes.bbox.width
    lines = {line.get_label(): line for line in axes.get_lines()}
    raw = lines["_raw train"]
    x, y = (np.asarray(a, dtype=np.float64) for a in raw.get_data())
    assert len(x) <= POINTS_PER_COLUMN * width_pixels * 1.2  # 1000 columns for ~900 pixels
    assert len(x) < 40_000 / 8
    for step, value in SPIKES.items():
        assert value in y[x == step], step
    assert DIP[1] in y[x == DIP[0]]
    assert np.isnan(y[(x >= NAN_STEPS[0]) & (x <= NAN_STEPS[-1])]).any()  # the line breaks
    marks = next(line for label, line in lines.items() if label.startswith("NaN/inf"))
    marked = np.asarray(marks.get_xdata(), dtype=np.float64)
    pixels = axes.transData.transform(np.column_stack([marked, np.zeros(len(marked))]))[:, 0]
    for step in (NAN_STEPS[0], INF_STEP):
        step_pixel = axes.transData.transform((step, 0.0))[0]
        assert np.min(np.abs(pixels - step_pixel)) <= 1.0, step
    assert "(6)" in marks.get_label()  # the count is of points, not of marks


def test_m4_keeps_first_last_lowest_highest_of_each_column() -> None:
    generator = np.random.default_rng(3)
    x = np.arange(50_000, dtype=np.float64)
    y = generator.normal(0.0, 1.0, len(x))
    y[[10, 20_000, 49_999]] = [40.0, -40.0, np.nan]
    kept = m4_indices(x, y, 100)
    assert len(kept) <= 6 * 100
    assert {0, 10, 20_000, 49_998, 49_999} <= set(kept.tolist())
    columns = (x * 100 / x[-1]).astype(int).clip(0, 99)
    for column in range(100):
        inside = columns == column
        finite = inside & np.isfinite(y)
        assert y[kept][np.isin(kept, np.flatnonzero(finite))].max() == y[finite].max()
        assert y[kept][np.isin(kept, np.flatnonzero(finite))].min() == y[finite].min()
    assert len(one_per_column(x, 100)) == 100


def test_a_seed_band_keeps_every_extreme_in_its_envelope() -> None:
    steps = np.arange(50_000, dtype=np.float64)
    low = np.sin(steps / 3000)
    high = low + 0.1
    low[[777, 31_000]] = [-5.0, -7.0]  # one seed dipped
    high[12_345] = 9.0  # one seed spiked
    low[40_000:41_000] = high[40_000:41_000] = np.nan  # no seed logged these steps
    x, lows, highs = band_envelope(steps, low, high, 1000)
    assert len(x) <= 2 * 1000 and np.all(np.diff(x) >= 0)
    assert x[0] == 0 and x[-1] == 49_999
    assert np.nanmin(lows) == -7.0 and -5.0 in lows and np.nanmax(highs) == 9.0
    gap = (x >= 40_050) & (x <= 40_950)
    assert gap.any() and np.isnan(lows[gap]).all() and np.isnan(highs[gap]).all()
    assert not np.isnan(lows[~((x >= 40_000) & (x < 41_000))]).any()
    few = band_envelope(steps[:100], low[:100], high[:100], 1000)
    for reduced, given in zip(few, (steps[:100], low[:100], high[:100]), strict=True):
        np.testing.assert_array_equal(reduced, given)


def _m4_by_hand(x: np.ndarray, y: np.ndarray, columns: int) -> set[int]:
    """M4 written out column by column (an oracle for the fast paths)."""
    from curvelint.report.pixel_columns import column_of

    column = column_of(x, columns)
    kept: set[int] = set()
    for number in np.unique(column):
        inside = np.flatnonzero(column == number)
        kept |= {int(inside[0]), int(inside[-1])}
        for part in (np.isfinite(y[inside]), ~np.isfinite(y[inside])):
            if part.any():
                kept |= {int(inside[part][0]), int(inside[part][-1])}
        finite = inside[np.isfinite(y[inside])]
        if len(finite):
            kept |= {int(finite[np.argmin(y[finite])]), int(finite[np.argmax(y[finite])])}
    return kept


def test_m4_on_sorted_steps_keeps_what_the_definition_keeps() -> None:
    """Steps come sorted, which M4 uses to go column by column instead of sorting: with ties,
    NaN, ±inf and columns holding one point or none, it keeps exactly M4's points."""
    generator = np.random.default_rng(11)
    for trial in range(60):
        count = int(generator.integers(50, 3_000))
        x = np.sort(generator.choice(np.arange(3 * count), count, replace=False)).astype(float)
        y = generator.integers(0, 4, count).astype(float)  # many ties
        if trial % 2:
            y[generator.random(count) < 0.1] = np.nan
            y[generator.random(count) < 0.05] = np.inf
            y[generator.random(count) < 0.05] = -np.inf
        columns = int(generator.integers(2, count // 5))
        assert set(m4_indices(x, y, columns).tolist()) == _m4_by_hand(x, y, columns), trial
