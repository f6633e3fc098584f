"""How the runs are split: the test and holdout splits are locked and differ on purpose.

Test runs use other seeds (1000+ instead of 0–999) and, besides the development split's
architectures and data sets, some that the development split never has. The holdout split
(seeds 2000+, added after the test split's disagreements had been read) repeats the test
split's recipes with fresh seeds, so it stays a held-out estimate nobody has looked into.
"""

from __future__ import annotations

DEV, TEST, HOLDOUT = "dev", "test", "holdout"
SPLITS = (DEV, TEST, HOLDOUT)
FIRST_SEED = {DEV: 0, TEST: 1000, HOLDOUT: 2000}
# Whose (architecture, data) variants and extra runs a split is made of.
RECIPES = {DEV: DEV, TEST: TEST, HOLDOUT: TEST}
TEST_ONLY_ARCHITECTURES = ("gru", "seq2seq")
TEST_ONLY_DATASETS = ("wine", "circles", "friedman", "reverse")
# Runs per verdict: the test split is a little over a third of dev + test; holdout is its twin.
PER_VERDICT = {DEV: 23, TEST: 13, HOLDOUT: 13}
