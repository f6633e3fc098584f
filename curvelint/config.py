"""Configuration: defaults, then a file (``curvelint.toml``, ``[tool.curvelint]``), then ``--set``.

Every threshold has one home (:class:`AnalysisSettings`, :class:`RuleSettings`); this module
only finds the file, checks the keys and parses the values with each field's own type, so a
typo fails loudly with the valid keys instead of being silently ignored.

File layout (``curvelint.toml``; in ``pyproject.toml`` the same under ``[tool.curvelint]``)::

    num_classes = 3            # run options are top-level keys
    fail_on = "warning"
    [analysis]
    spike_z = 5.0
    [rules]
    overfit_min_rise = 0.2

An explicit file replaces discovery (like ``ruff --config``); overrides
(``{"rules.overfit_min_rise": "0.2"}``, the CLI's ``--set KEY=VALUE``) apply last.
"""

from __future__ import annotations

import difflib
import tomllib
import types
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from curvelint.analysis.settings import AnalysisSettings
from curvelint.diagnosis.findings import Severity, Verdict
from curvelint.diagnosis.settings import RuleSettings
from curvelint.errors import ConfigError
from curvelint.shown_paths import shown_path

CONFIG_FILE = "curvelint.toml"
PYPROJECT = "pyproject.toml"
SECTIONS = ("analysis", "rules")
NEVER = "never"


@dataclass(frozen=True)
class Config:
    """Everything a run of curvelint is configured with, and which file it came from.

    ``fail_on`` is comma-separated verdicts (``diverged,overfitting``; the default is
    ``diverged``), a severity (``error``: any error finding; ``warning``; ``info``) or ``never``.
    """

    analysis: AnalysisSettings = field(default_factory=AnalysisSettings)
    rules: RuleSettings = field(default_factory=RuleSettings)
    num_classes: int | None = None
    main_metric: str | None = None
    fail_on: str = "diverged"
    plot: tuple[str, ...] = ()  # the metrics.png panels, "metric" or "metric/split"
    source: Path | None = None

    def __post_init__(self) -> None:
        if self.num_classes is not None and self.num_classes < 2:
            raise ConfigError(f"num_classes = {self.num_classes} must be at least 2")
        fail_on_targets(self.fail_on)

    def replace(self, **changes: Any) -> Config:
        """A copy with some values changed, validated like the original."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        values.update(changes)
        return Config(**values)


OPTIONS = ("num_classes", "main_metric", "fail_on", "plot")


def fail_on_targets(fail_on: str) -> tuple[frozenset[Severity], frozenset[Verdict]]:
    """The severities and verdicts that ``fail_on`` fails a run on; ConfigError if invalid."""
    text = fail_on.strip().lower()
    if text == NEVER:
        return frozenset(), frozenset()
    if text in {severity.value for severity in Severity}:
        ranks = list(Severity)
        return frozenset(ranks[: ranks.index(Severity(text)) + 1]), frozenset()
    names = [part.strip() for part in text.split(",") if part.strip()]
    valid = {verdict.value for verdict in Verdict}
    unknown = [name for name in names if name not in valid]
    if unknown or not names:
        choices = [s.value for s in Severity] + [NEVER] + sorted(valid)
        raise ConfigError(f"fail_on = {fail_on!r} is unknown; use one of {choices}")
    return frozenset(), frozenset(Verdict(name) for name in names)


def load_config(
    start: Path | None = None,
    explicit: Path | None = None,
    overrides: Mapping[str, str] | None = None,
) -> Config:
    """The configuration for logs under ``start``: defaults < file < ``overrides``.

    The file is ``explicit`` when given, else the nearest ``curvelint.toml`` or
    ``pyproject.toml`` with a ``[tool.curvelint]`` table in ``start`` or a parent folder.
    """
    table: dict[str, Any] | None
    if explicit is not None:
        source: Path | None = explicit
        table = _read_table(explicit, required=True)
    else:
        source, table = _discover(start)
    values = _flatten(table or {}, source)
    for key, text in (overrides or {}).items():
        checked = _check_key(key.strip(), "--set")
        values[checked] = _parse_text(checked, text)
    return _build(values, source)


def _discover(start: Path | None) -> tuple[Path | None, dict[str, Any]]:
    """The nearest configuration file at or above ``start`` and its curvelint table."""
    folder = (start or Path.cwd()).resolve()
    if folder.is_file():
        folder = folder.parent
    for directory in (folder, *folder.parents):
        for name in (CONFIG_FILE, PYPROJECT):
            candidate = directory / name
            if candidate.is_file():
                table = _read_table(candidate, required=False)
                if table is not None:
                    return candidate, table
    return None, {}


def _read_table(path: Path, *, required: bool) -> dict[str, Any] | None:
    """The curvelint table of ``path``; None for a pyproject.toml without one (unless required)."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{shown_path(path)}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or error  # an OSError's str holds the full path
        raise ConfigError(f"{shown_path(path)}: cannot read the configuration: {why}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown_path(path)}: invalid TOML: {error}") from None
    if path.name != PYPROJECT:
        return document
    table = document.get("tool", {}).get("curvelint")
    if table is None and required:
        raise ConfigError(f"{shown_path(path)}: no [tool.curvelint] table")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{shown_path(path)}: tool.curvelint must be a table")
    return table


def _flatten(table: Mapping[str, Any], source: Path | None) -> dict[str, Any]:
    """``{"rules": {"a": 1}, "num_classes": 3}`` -> ``{"rules.a": 1, "num_classes": 3}``,
    every key and value checked."""
    where = shown_path(source) if source is not None else "configuration"
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [{key}] must be a table of settings")
            for name, item in value.items():
                dotted = _check_key(f"{key}.{name}", where)
                values[dotted] = _check_value(dotted, item, where)
        else:
            checked = _check_key(key, where)
            values[checked] = _check_value(checked, value, where)
    return values


def valid_keys() -> list[str]:
    """Every key a configuration may set, as ``--set`` spells it."""
    keys = list(OPTIONS)
    keys += [f"analysis.{item.name}" for item in fields(AnalysisSettings)]
    keys += [f"rules.{item.name}" for item in fields(RuleSettings)]
    return keys


def _check_key(key: str, where: str) -> str:
    """``key`` if it names a setting; else ConfigError listing the valid keys of its section."""
    keys = valid_keys()
    if key in keys:
        return key
    section = key.split(".", 1)[0] + "." if "." in key else ""
    nearby = [k for k in keys if k.startswith(section)] if section in _PREFIXES else keys
    close = difflib.get_close_matches(key, keys, n=3)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise ConfigError(f"{where}: unknown key {key!r}; {hint}valid keys: {', '.join(nearby)}")


_PREFIXES = tuple(f"{section}." for section in SECTIONS)


def _field_type(key: str) -> Any:
    """The declared type of the setting ``key``."""
    if "." not in key:
        return get_type_hints(Config)[key]
    section, name = key.split(".", 1)
    owner = AnalysisSettings if section == "analysis" else RuleSettings
    return get_type_hints(owner)[name]


def _check_value(key: str, value: Any, where: str) -> Any:
    """A TOML value checked against (and converted to) the field's type."""
    converted = _convert(_field_type(key), value)
    if converted is _INVALID:
        raise ConfigError(
            f"{where}: {key} = {value!r} is not a valid {_describe(_field_type(key))}"
        )
    return converted


def _parse_text(key: str, text: str) -> Any:
    """A ``--set`` value: the text parsed as the field's type (tuples as comma lists)."""
    kind = _field_type(key)
    converted = _convert(kind, _text_value(kind, text.strip()))
    if converted is _INVALID:
        raise ConfigError(f"--set {key}={text}: not a valid {_describe(kind)}")
    return converted


_INVALID = object()
_TRUE, _FALSE = {"true", "yes", "on", "1"}, {"false", "no", "off", "0"}


def _text_value(kind: Any, text: str) -> Any:
    """Turn command-line text into the Python value that :func:`_convert` expects."""
    args = get_args(kind)
    if _is_optional(kind) and text.lower() in {"none", "null", ""}:
        return None
    if _is_optional(kind):
        kind = next(arg for arg in args if arg is not type(None))
    if get_origin(kind) is tuple:
        return [part.strip() for part in text.split(",") if part.strip()]
    return _scalar_from_text(kind, text)


def _scalar_from_text(kind: Any, text: str) -> Any:
    try:
        if kind is bool:
            lowered = text.lower()
            return True if lowered in _TRUE else False if lowered in _FALSE else _INVALID
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
    except ValueError:
        return _INVALID
    return text


def _is_optional(kind: Any) -> bool:
    return get_origin(kind) in (Union, types.UnionType) and type(None) in get_args(kind)


def _convert(kind: Any, value: Any) -> Any:
    """``value`` as an instance of ``kind``, or ``_INVALID``."""
    if value is _INVALID:
        return _INVALID
    if _is_optional(kind):
        if value is None:
            return None
        kind = next(arg for arg in get_args(kind) if arg is not type(None))
    origin = get_origin(kind)
    if origin is tuple:
        return _convert_tuple(kind, value)
    if origin is Literal:
        return value if value in get_args(kind) else _INVALID
    return _convert_scalar(kind, value)


def _convert_tuple(kind: Any, value: Any) -> Any:
    if not isinstance(value, list | tuple):
        return _INVALID
    args = get_args(kind)
    item_kinds = [args[0]] * len(value) if len(args) == 2 and args[1] is Ellipsis else list(args)
    if len(item_kinds) != len(value):
        return _INVALID
    items = []
    for item_kind, item in zip(item_kinds, value, strict=True):
        text_item = _scalar_from_text(item_kind, item) if isinstance(item, str) else item
        converted = _convert_scalar(item_kind, text_item)
        if converted is _INVALID:
            return _INVALID
        items.append(converted)
    return tuple(items)


def _convert_scalar(kind: Any, value: Any) -> Any:
    if isinstance(value, bool):
        return value if kind is bool else _INVALID
    if kind is float and isinstance(value, int | float):
        return float(value)
    if kind is int and isinstance(value, int):
        return value
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind is str and isinstance(value, str):
        return value
    return _INVALID


def _describe(kind: Any) -> str:
    if _is_optional(kind):
        inner = next(arg for arg in get_args(kind) if arg is not type(None))
        return f"{_describe(inner)} or none"
    origin = get_origin(kind)
    if origin is Literal:
        return "choice among " + ", ".join(repr(arg) for arg in get_args(kind))
    if origin is tuple:
        return "comma-separated list"
    return getattr(kind, "__name__", str(kind))


def _build(values: Mapping[str, Any], source: Path | None) -> Config:
    """A validated Config from flat checked values (settings validate their own ranges)."""
    sections: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    options: dict[str, Any] = {}
    for key, value in values.items():
        if "." in key:
            section, name = key.split(".", 1)
            sections[section][name] = value
        else:
            options[key] = value
    return Config(
        analysis=AnalysisSettings().replace(**sections["analysis"]),
        rules=RuleSettings().replace(**sections["rules"]),
        source=source,
        **options,
    )
