"""Small side files that describe a run (hparams, params, config) read safely as metadata.

Run metadata never decides whether curves are read: a file that cannot be parsed gives a note,
not an error. YAML is parsed with ``yaml.safe_load`` (never a loader that builds objects) when
PyYAML is installed; without it only flat ``key: value`` lines are understood.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# Metadata files are small; a huge one is not metadata and is not worth reading.
MAX_METADATA_BYTES = 4 * 1024 * 1024
_FLAT_LINE = re.compile(r"^([A-Za-z_][\w.\-/ ]*?)\s*:\s*(.*?)\s*$")


def _read_text(path: Path) -> str:
    """The file's text; raises OSError (unreadable) or ValueError (too large)."""
    size = path.stat().st_size
    if size > MAX_METADATA_BYTES:
        raise ValueError(f"larger than {MAX_METADATA_BYTES} bytes")
    return path.read_bytes().decode("utf-8-sig", errors="replace")


def _scalar(text: str) -> Any:
    """A flat YAML scalar: a number, a boolean, null, or the (unquoted) string."""
    lowered = text.lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    if lowered in {"null", "~", ""}:
        return None
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _flat_yaml(text: str) -> dict[str, Any]:
    """The top-level ``key: value`` lines of a YAML file; nested blocks are left out."""
    mapping: dict[str, Any] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or line[:1].isspace():
            continue
        match = _FLAT_LINE.match(line)
        if match and match.group(2) and not match.group(2).startswith(("|", ">", "&", "!")):
            mapping[match.group(1)] = _scalar(match.group(2))
    return mapping


def _safe_yaml(text: str) -> Any:
    """``yaml.safe_load`` when PyYAML is there, else the flat subset."""
    try:
        import yaml
    except ImportError:
        return _flat_yaml(text)
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ValueError(f"not valid YAML ({first_line})") from None


def read_yaml_mapping(path: Path, notes: list[str]) -> dict[str, Any]:
    """A YAML file's top-level mapping; on any problem an empty dict and a note saying why."""
    try:
        loaded = _safe_yaml(_read_text(path))
    except (OSError, ValueError, RecursionError) as error:
        notes.append(f"{path.name}: metadata not read ({error})")
        return {}
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        notes.append(f"{path.name}: metadata not read (not a mapping)")
        return {}
    return {str(key): value for key, value in loaded.items()}


def read_json_mapping(path: Path, notes: list[str]) -> dict[str, Any]:
    """A JSON file's top-level object; on any problem an empty dict and a note saying why."""
    try:
        loaded = json.loads(_read_text(path))
    except (OSError, ValueError, RecursionError) as error:
        notes.append(f"{path.name}: metadata not read ({str(error).splitlines()[0]})")
        return {}
    if not isinstance(loaded, dict):
        notes.append(f"{path.name}: metadata not read (not a JSON object)")
        return {}
    return loaded


def read_text_values(folder: Path, notes: list[str]) -> dict[str, str]:
    """One value per file under ``folder`` (MLflow's ``params/`` and ``tags/``): the relative
    path is the key (names may contain ``/``), the stripped text the value."""
    values: dict[str, str] = {}
    if not folder.is_dir():
        return values
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            values[path.relative_to(folder).as_posix()] = _read_text(path).strip()
        except (OSError, ValueError) as error:
            notes.append(f"{folder.name}/{path.name}: not read ({error})")
    return values
