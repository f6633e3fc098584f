"""How the runs are split: the test and holdout splits are locked and differ on purpose.

Test runs use other seeds (1000+ instead of 0–999) and, besides the development split's
architectures and data sets, some that the development split never has. The holdout split
(seeds 2000+, added after the test split's disagreements had been read) repeats the test
split's recipes with fresh seeds, so it stays a held-out estimate nobody has looked into.
Holdout's disagreements were read in session 5, so holdout2 (seeds 3000+, made in session 6
before that session's rule changes and scored once after them) was the next clean estimate;
its disagreements were read in turn, so holdout3 (seeds 4000+, made in session 7 before that
session's rule changes) was the next; its disagreements were read too, so holdout4 (seeds 5000+,
made in session 8 before that session's rule changes) was the next; its disagreements were read
too, so holdout5 (seeds 6000+, made in session 9 before that session's rule changes) was the
next; its disagreements were read too, so holdout6 (seeds 7000+, made in session 10 before that
session's rule changes, scored once at its end) was the next; its disagreements were read too,
so holdout7 (seeds 8000+, made at the end of session 10, after that session's last rule change,
scored once in session 11 after its rule changes on development runs) was the next; its
disagreements were read too, so holdout8 (seeds 9000+, made at the end of session 11, scored
once in session 12 after its rule changes on development runs) was the next; its
disagreements were read too, so holdout9 (seeds 10000+, made at the end of session 12, scored
once in session 13 after its rule changes on development runs) was the next; its
disagreements were read too, so holdout10 (seeds 11000+, made at the end of session 13, for
the next session to score once) is the locked one now.
"""

from __future__ import annotations

DEV, TEST, HOLDOUT, HOLDOUT2 = "dev", "test", "holdout", "holdout2"
HOLDOUT3, HOLDOUT4, HOLDOUT5 = "holdout3", "holdout4", "holdout5"
HOLDOUT6, HOLDOUT7, HOLDOUT8 = "holdout6", "holdout7", "holdout8"
HOLDOUT9, HOLDOUT10 = "holdout9", "holdout10"
SPLITS = (DEV, TEST, HOLDOUT, HOLDOUT2, HOLDOUT3, HOLDOUT4, HOLDOUT5, HOLDOUT6, HOLDOUT7, HOLDOUT8)
SPLITS += (HOLDOUT9, HOLDOUT10)
FIRST_SEED = {DEV: 0, TEST: 1000, HOLDOUT: 2000, HOLDOUT2: 3000, HOLDOUT3: 4000}
FIRST_SEED |= {HOLDOUT4: 5000, HOLDOUT5: 6000, HOLDOUT6: 7000, HOLDOUT7: 8000, HOLDOUT8: 9000}
FIRST_SEED |= {HOLDOUT9: 10000, HOLDOUT10: 11000}
# Whose (architecture, data) variants and extra runs a split is made of.
RECIPES = {DEV: DEV, TEST: TEST} | {split: TEST for split in SPLITS[2:]}
TEST_ONLY_ARCHITECTURES = ("gru", "seq2seq")
TEST_ONLY_DATASETS = ("wine", "circles", "friedman", "reverse")
# Runs per verdict: the test split is a little over a third of dev + test; the holdouts are its
# twins.
PER_VERDICT = {DEV: 23} | {split: 13 for split in SPLITS[1:]}
