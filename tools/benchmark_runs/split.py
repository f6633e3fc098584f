"""How the runs are split: the test split is locked (never tuned on) and differs on purpose.

Test runs use other seeds (1000+ instead of 0–999) and, besides the development split's
architectures and data sets, some that the development split never has.
"""

from __future__ import annotations

DEV, TEST = "dev", "test"
SPLITS = (DEV, TEST)
FIRST_SEED = {DEV: 0, TEST: 1000}
TEST_ONLY_ARCHITECTURES = ("gru", "seq2seq")
TEST_ONLY_DATASETS = ("wine", "circles", "friedman", "reverse")
# Runs per verdict: the test split is a little over a third of the whole.
PER_VERDICT = {DEV: 23, TEST: 13}
