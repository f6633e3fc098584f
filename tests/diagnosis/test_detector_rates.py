"""A YOLOv5 run logs its learning rate as ``x/lr0``, ``x/lr1``, ``x/lr2``, one per parameter
group, the bias group's warm-up falling from 10x the rate while the others rise from 0. Read
as the learning rate, a run whose decay is spent is over, not "not converged" (a real
50-epoch YOLOv5 run's eval box loss still fell 10 % of its level as the rate neared its
floor); a run stopped with its weights' rate at a quarter of its peak still is, however spent
the bias group's warm-up looks (two real 10- and 50-epoch runs). How its
``metrics/mAP_0.5`` is read: tests/test_names.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from curvelint.diagnosis import Verdict
from curvelint.runs import read_runs
from tests.diagnosis.helpers import judge_torch_script

YOLO_SCRIPT = """
import math, sys
from torch.utils.tensorboard import SummaryWriter
writer = SummaryWriter(sys.argv[1])
floor = float(sys.argv[2])
for epoch in range(50):
    t = epoch / 49
    rate = 0.01 * ((1 - t) + floor * t)
    warm = min(1.0, epoch / 3)
    box = 0.0085 + 0.03 * math.exp(-epoch / 15)
    scalars = {
        "train/box_loss": box * 1.2 + 0.0004 * math.sin(epoch),
        "val/box_loss": box,
        "metrics/mAP_0.5": 0.98 - 0.7 * math.exp(-epoch / 10),
        "x/lr0": 0.1 * (1 - warm) + rate * warm,
        "x/lr1": rate * warm,
        "x/lr2": rate * warm,
    }
    for tag, value in scalars.items():
        writer.add_scalar(tag, value, epoch)
writer.close()
"""


@pytest.mark.parametrize(
    ("floor", "verdict"), [(0.01, Verdict.HEALTHY), (0.25, Verdict.NOT_CONVERGED)]
)
def test_a_detector_is_over_when_its_weights_rate_is_spent(
    tmp_path: Path, floor: float, verdict: Verdict
) -> None:
    script = YOLO_SCRIPT.replace("float(sys.argv[2])", repr(floor))
    assert judge_torch_script(script, tmp_path).verdict is verdict
    (run,) = read_runs([tmp_path]).runs
    named = set(zip(run.frame["tag"].astype(str), run.frame["metric"].astype(str), strict=True))
    assert {("x/lr0", "learning_rate"), ("x/lr2", "learning_rate")} <= named
