"""The colour of each split, shared by the PNG plots, the HTML report and the seed-group
overlays (a light module: the HTML data needs the colours without importing matplotlib)."""

from __future__ import annotations

SPLIT_COLOURS = {"train": "#1f77b4", "eval": "#d62728", "test": "#2ca02c"}
OTHER_COLOURS = ("#6a3d9a", "#ff7f00", "#8c564b", "#17becf")
