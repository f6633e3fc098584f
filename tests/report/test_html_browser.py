"""`curvelint analyze --html` opened in a real headless browser (Debian's chromium, driven by
Playwright): the page loads offline with no console error, draws the run's curves (checked on
a screenshot's pixels), shows values on hover, zooms, and re-smooths with the slider; NaN
points are marked and named; a hostile run name stays text.

Logs are written by torch's SummaryWriter; the reports by the real CLI in a subprocess.
"""

from __future__ import annotations

import io
import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on PATH: the --html browser tests need Debian's chromium package "
    "(apt-get install chromium; .ci/run installs it)",
)

TRAIN_COLOUR = (0x1F, 0x77, 0xB4)  # SPLIT_COLOURS["train"]
NON_FINITE_COLOUR = (0xB2, 0x18, 0x2B)
HOSTILE_PARENT = "x<"  # with the child folder, the run is named x</script><img …>
HOSTILE_CHILD = "script><img src=x onerror=alert(1)>"
HOSTILE_TAG = "eval/f1</script><script>alert(2)</script>\u2028<!--"
STEPS = 600
NAN_FROM = 400


def _write_tensorboard(
    folder: Path, *, nan_from: int | None = None, extra_tag: str | None = None
) -> None:
    from torch.utils.tensorboard import SummaryWriter

    rng = np.random.default_rng(7)
    writer = SummaryWriter(str(folder))
    for step in range(1, STEPS + 1):
        if extra_tag is not None:
            writer.add_scalar(extra_tag, 0.5 + 0.1 * math.sin(step / 20), step)
        loss = 2.0 * step**-0.4 + rng.normal(0.0, 0.04)
        if nan_from is not None and step >= nan_from:
            loss = math.nan
        writer.add_scalar("train/loss", loss, step)
        writer.add_scalar("train/learning_rate", 1e-3 * (1 - step / (STEPS + 1)), step)
        if step % 50 == 0:
            writer.add_scalar("eval/loss", 2.2 * step**-0.35, step)
            writer.add_scalar("eval/accuracy", 1 - 0.9 * step**-0.3, step)
    writer.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("html")
    logs = root / "logs"
    _write_tensorboard(logs / "healthy")
    _write_tensorboard(logs / "nan_run", nan_from=NAN_FROM)
    _write_tensorboard(logs / HOSTILE_PARENT / HOSTILE_CHILD, extra_tag=HOSTILE_TAG)
    out = root / "out"
    environment = {**os.environ, "CURVELINT_CACHE_MAX_MB": "0"}
    result = subprocess.run(
        [
            *(sys.executable, "-m", "curvelint", "analyze", str(logs), "--out", str(out)),
            *("--html", "--fail-on", "never", "--jobs", "1", "--quiet"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    return out


@dataclass
class Page:
    """A loaded page and what happened while it loaded and ran."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


def open_page(browser: Any, path: Path) -> Page:
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    seen = Page(page)
    page.on(
        "console",
        lambda message: (
            seen.console_errors.append(message.text)
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("dialog", lambda dialog: (seen.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return seen


def run_page(browser: Any, reports: Path, folder: str) -> Page:
    seen = open_page(browser, reports / folder / "report.html")
    seen.page.wait_for_function("() => window.curvelintCharts && window.curvelintCharts.length")
    return seen


def plot_area(seen: Page, chart: int = 0) -> tuple[Any, dict[str, float]]:
    """The plot area (uPlot's .u-over) of one chart, scrolled into view, and its box."""
    over = seen.page.locator(".chart .u-over").nth(chart)
    over.scroll_into_view_if_needed()
    box = over.bounding_box()
    assert box is not None
    return over, box


def screenshot(seen: Page, box: dict[str, float]) -> Image.Image:
    seen.page.mouse.move(0, 0)  # no crosshair in the picture
    png = seen.page.screenshot(clip=box)
    return Image.open(io.BytesIO(png)).convert("RGB")


def pixels_near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 40) -> int:
    array = np.asarray(image, dtype=np.int32)
    distance = np.abs(array - np.asarray(colour, dtype=np.int32)).sum(axis=2)
    return int((distance <= tolerance).sum())


def legend(seen: Page, chart: int = 0) -> dict[str, str]:
    """The hover legend of one chart: series label → the value shown."""
    rows = seen.page.locator(".chart").nth(chart).locator(".u-legend .u-series")
    shown = {}
    for row in range(rows.count()):
        label = rows.nth(row).locator(".u-label").text_content() or ""
        shown[label] = rows.nth(row).locator(".u-value").text_content() or ""
    return shown


def chart_data(reports: Path, folder: str) -> dict[str, Any]:
    page = (reports / folder / "report.html").read_text(encoding="utf-8")
    start = page.index('id="curvelint-data">') + len('id="curvelint-data">')
    data: dict[str, Any] = json.loads(page[start : page.index("</script>", start)])
    return data


def test_the_page_loads_offline_with_no_console_error(browser: Any, reports: Path) -> None:
    seen = run_page(browser, reports, "healthy")
    assert seen.console_errors == []
    assert seen.requests and all(url.startswith("file://") for url in seen.requests)
    assets = {url.rsplit("/", 2)[-2] for url in seen.requests if url.endswith(".js")}
    assert assets == {"assets"}  # the scripts come from the shared folder, once
    panels = sum(len(plot["panels"]) for plot in chart_data(reports, "healthy")["plots"])
    assert seen.page.locator(".chart canvas").count() == panels >= 3
    seen.page.close()


def test_the_screenshot_shows_the_train_curve(browser: Any, reports: Path, tmp_path: Path) -> None:
    seen = run_page(browser, reports, "healthy")
    _, box = plot_area(seen)
    image = screenshot(seen, box)
    image.save(tmp_path / "loss-chart.png")
    seen.page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    array = np.asarray(image, dtype=np.int32)
    not_background = int((np.abs(array - 255).sum(axis=2) > 30).sum())
    assert not_background > 0.01 * image.width * image.height, "the plot area is blank"
    assert pixels_near(image, TRAIN_COLOUR) > 300, "no train-loss line in the plot area"
    seen.page.close()


def test_hovering_shows_the_values_under_the_cursor(browser: Any, reports: Path) -> None:
    seen = run_page(browser, reports, "healthy")
    over, box = plot_area(seen)
    assert set(legend(seen).values()) == {"--"}
    over.hover(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    shown = legend(seen)
    step = int(shown["step"].replace(",", ""))
    assert 1 <= step <= STEPS
    train = [c for c in chart_data(reports, "healthy")["plots"][0]["panels"][0]["curves"]]
    raw = dict(zip(train[0]["x"], train[0]["y"], strict=True))
    assert float(shown["train"]) == pytest.approx(raw[step], rel=1e-3)
    assert float(shown["train (smoothed)"]) > 0
    seen.page.close()


def test_dragging_zooms_in_and_a_double_click_zooms_out(browser: Any, reports: Path) -> None:
    seen = run_page(browser, reports, "healthy")
    over, box = plot_area(seen)
    x_range = (
        "() => [window.curvelintCharts[0].scales.x.min, window.curvelintCharts[0].scales.x.max]"
    )
    full = seen.page.evaluate(x_range)
    y = box["y"] + box["height"] / 2
    seen.page.mouse.move(box["x"] + box["width"] * 0.2, y)
    seen.page.mouse.down()
    seen.page.mouse.move(box["x"] + box["width"] * 0.5, y, steps=5)
    seen.page.mouse.up()
    low, high = seen.page.evaluate(x_range)
    assert full[0] < low < high < full[1]
    over.dblclick()
    assert seen.page.evaluate(x_range) == full
    seen.page.close()


def test_the_slider_changes_the_smoothing(browser: Any, reports: Path) -> None:
    seen = run_page(browser, reports, "healthy")
    _, box = plot_area(seen)
    smoothed = "() => window.curvelintCharts[0].data[2].filter(v => v != null)"
    before_line, before_image = seen.page.evaluate(smoothed), screenshot(seen, box)
    slider = seen.page.locator("#smoothing")
    slider.focus()
    seen.page.keyboard.press("End")  # as a user would: the keyboard moves the range input
    assert seen.page.locator("#smoothing-value").text_content() == "0.99"
    after_line, after_image = seen.page.evaluate(smoothed), screenshot(seen, box)
    assert len(after_line) == len(before_line)
    # Heavier smoothing: the smoothed line moves less from point to point.
    assert np.abs(np.diff(after_line)).sum() < 0.5 * np.abs(np.diff(before_line)).sum()
    difference = np.abs(np.asarray(after_image, np.int32) - np.asarray(before_image, np.int32))
    assert int((difference.sum(axis=2) > 30).sum()) > 100, "the chart was not redrawn"
    seen.page.keyboard.press("Home")
    assert seen.page.locator("#smoothing-value").text_content() == "0.00"
    assert seen.page.evaluate(smoothed) == seen.page.evaluate(
        "() => window.curvelintCharts[0].data[1].filter(v => v != null)"
    )  # no smoothing: the smoothed line is the raw one
    assert seen.console_errors == []
    seen.page.close()


def test_nan_points_are_marked_and_named_on_hover(
    browser: Any, reports: Path, tmp_path: Path
) -> None:
    seen = run_page(browser, reports, "nan_run")
    over, box = plot_area(seen)
    image = screenshot(seen, box)
    image.save(tmp_path / "nan-chart.png")
    assert pixels_near(image, NON_FINITE_COLOUR) > 100, "no NaN marks"
    nan_share = (STEPS - NAN_FROM) / STEPS
    over.hover(position={"x": box["width"] * (1 - nan_share / 2), "y": box["height"] / 2})
    assert legend(seen)["train"] == "NaN"
    assert "NaN/inf points plotted as" in (seen.page.locator(".marks").first.text_content() or "")
    assert seen.console_errors == []
    seen.page.close()


def test_a_hostile_run_name_is_shown_as_text_and_runs_nothing(browser: Any, reports: Path) -> None:
    name = f"{HOSTILE_PARENT}/{HOSTILE_CHILD}"
    folder = next(
        path.parent.name
        for path in reports.glob("*/report.html")
        if chart_data(reports, path.parent.name)["run"] == name
    )
    seen = run_page(browser, reports, folder)
    assert seen.page.locator("h1").text_content() == name
    assert seen.page.locator("img").count() == 0
    assert seen.page.locator("script").count() == 3  # uPlot, ours, the JSON data
    assert "<script>alert(2)</script>" in seen.page.locator("main").inner_text()  # the tag
    panels = sum(len(plot["panels"]) for plot in chart_data(reports, folder)["plots"])
    assert seen.page.locator(".chart canvas").count() == panels
    assert seen.dialogs == []
    assert seen.console_errors == []
    seen.page.close()


def test_the_index_lists_every_run_and_links_to_its_page(browser: Any, reports: Path) -> None:
    seen = open_page(browser, reports / "index.html")
    links = seen.page.locator("table.runs a")
    names = sorted(links.all_text_contents())
    assert names == sorted(["healthy", "nan_run", f"{HOSTILE_PARENT}/{HOSTILE_CHILD}"])
    seen.page.get_by_role("link", name="nan_run").click()
    seen.page.wait_for_function("() => window.curvelintCharts && window.curvelintCharts.length")
    assert seen.page.url.endswith("/nan_run/report.html")
    assert "diverged" in (seen.page.locator(".summary").text_content() or "")
    assert seen.console_errors == []
    assert all(url.startswith("file://") for url in seen.requests)
    seen.page.close()


def test_hovering_a_trainer_run_also_tells_the_epoch(
    browser: Any, sample_logs: Path, tmp_path: Path
) -> None:
    """A real transformers.Trainer log (sample_logs/) logs epochs: the hover names them too,
    as the PNG's second axis does."""
    out = tmp_path / "out"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "curvelint", "analyze", str(sample_logs / "hf_bert_stuck")),
            *("--out", str(out), "--html", "--fail-on", "never", "--jobs", "1", "--quiet"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "CURVELINT_CACHE_MAX_MB": "0"},
    )
    assert result.returncode == 0, result.stderr
    (folder,) = [path.parent.name for path in out.glob("*/report.html")]
    seen = run_page(browser, out, folder)
    over, box = plot_area(seen)
    over.hover(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
    step_text = legend(seen)["step"]
    step, _, epoch_text = step_text.partition(" (epoch ")
    assert int(step.replace(",", "")) > 0 and float(epoch_text.rstrip(")")) > 0
    assert seen.console_errors == []
    seen.page.close()
