"""Seed groups: runs whose names differ only by a seed are one experiment, repeated.

A group's **key** names the experiment; its members are the runs that share it.

* Default: a trailing seed marker is stripped from each run name, together with the separator
  before it: ``cfg-seed3``, ``cfg_s3``, ``cfg,seed=3``, ``cfg/seed_3`` and ``cfg/seed-3`` all
  have the key ``cfg``. (A name that is nothing but a marker, ``seed_3``, gets the key
  ``seed_*``.)
* ``--group-by REGEX`` (searched in each run name; runs it does not match stay alone): when
  REGEX has a capture group other than one named ``seed``, the key is the text of the first
  such group; otherwise the key is the run name with the match removed (REGEX describes the
  seed marker, like the default). The member's seed label is the text of the group named
  ``seed`` when there is one, else the digits of the removed text.

Only keys shared by two or more runs make groups.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from curvelint.errors import ConfigError

DEFAULT_PATTERN = r"(?:^|[-_/.,+ ])(?:seed[-_=]?|s)(?P<seed>\d+)$"
NO_GROUPS = "none"
_EDGE_SEPARATORS = "-_/.,+= "
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class SeedGroup:
    """Runs that differ only by seed: ``members`` (run names) and their ``seeds``, in order."""

    key: str
    members: tuple[str, ...]
    seeds: tuple[str, ...]


@dataclass(frozen=True)
class Grouping:
    """Every name, as a seed group's member or on its own."""

    groups: tuple[SeedGroup, ...]
    ungrouped: tuple[str, ...]

    def group_of(self, name: str) -> SeedGroup | None:
        """The group ``name`` belongs to, if any."""
        return next((group for group in self.groups if name in group.members), None)


def compile_pattern(text: str | None) -> re.Pattern[str] | None:
    """``--group-by``: None or empty for the default, ``none`` for no grouping at all."""
    if text is None or not text.strip():
        return re.compile(DEFAULT_PATTERN, re.IGNORECASE)
    if text.strip().lower() == NO_GROUPS:
        return None
    try:
        return re.compile(text)
    except re.error as error:
        raise ConfigError(
            f"--group-by {text!r} is not a valid regular expression: {error}"
        ) from None


def _key_group(pattern: re.Pattern[str]) -> int | None:
    """The number of the first capture group that is not the one named ``seed``."""
    seed_number = pattern.groupindex.get("seed")
    return next((n for n in range(1, pattern.groups + 1) if n != seed_number), None)


def split_name(name: str, pattern: re.Pattern[str]) -> tuple[str, str] | None:
    """``(key, seed)`` of a run name, or None when the pattern does not match it."""
    match = pattern.search(name)
    if match is None:
        return None
    removed = match.group(0)
    seed = match.groupdict().get("seed")
    if seed is None:
        digits = _DIGITS.findall(removed)
        seed = digits[-1] if digits else removed
    key_group = _key_group(pattern)
    if key_group is not None:
        key = (match.group(key_group) or "").strip(_EDGE_SEPARATORS)
    else:
        key = _joined(name[: match.start()], name[match.end() :])
    if not key:
        key = (name[: match.start()] + _DIGITS.sub("*", removed) + name[match.end() :]).strip(
            _EDGE_SEPARATORS
        )
    return (key or name), seed


def _joined(before: str, after: str) -> str:
    """The name with the seed marker cut out: separators are dropped only where the cut left
    them dangling, so the name's own edges stay (``../runs`` keeps its dots)."""
    if not after:
        return before.rstrip(_EDGE_SEPARATORS)
    if not before:
        return after.lstrip(_EDGE_SEPARATORS)
    return before + after


def _seed_order(seed: str) -> tuple[int, int | str]:
    return (0, int(seed)) if seed.isdigit() else (1, seed)


def group_runs(names: Iterable[str], pattern: re.Pattern[str] | None) -> Grouping:
    """Seed groups (sorted by key, members by seed) and the names left on their own."""
    unique = sorted(set(names))
    if pattern is None:
        return Grouping((), tuple(unique))
    by_key: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in unique:
        parts = split_name(name, pattern)
        if parts is not None:
            by_key[parts[0]].append((parts[1], name))
    groups = []
    for key in sorted(by_key):
        members = sorted(by_key[key], key=lambda pair: (_seed_order(pair[0]), pair[1]))
        if len(members) >= 2:
            seeds, runs = zip(*members, strict=True)
            groups.append(SeedGroup(key, tuple(runs), tuple(seeds)))
    grouped = {name for group in groups for name in group.members}
    return Grouping(tuple(groups), tuple(name for name in unique if name not in grouped))
