"""Configuration: defaults < nearest file (curvelint.toml or [tool.curvelint]) < --set."""

from __future__ import annotations

from pathlib import Path

import pytest

from curvelint.config import Config, fail_on_targets, load_config, valid_keys
from curvelint.diagnosis import Severity, Verdict
from curvelint.errors import ConfigError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path, None, {})
    assert config == Config()
    assert config.source is None


def test_pyproject_tool_table_is_read_from_a_parent_folder(tmp_path: Path) -> None:
    pyproject = _write(
        tmp_path / "pyproject.toml",
        """
[project]
name = "x"

[tool.curvelint]
num_classes = 3
fail_on = "warning"

[tool.curvelint.rules]
overfit_min_rise = 0.2

[tool.curvelint.analysis]
spike_z = 5
""",
    )
    logs = tmp_path / "runs" / "exp1"
    logs.mkdir(parents=True)
    config = load_config(logs, None, {})
    assert config.source == pyproject
    assert config.num_classes == 3
    assert config.fail_on == "warning"
    assert config.rules.overfit_min_rise == 0.2
    assert config.analysis.spike_z == 5.0
    assert isinstance(config.analysis.spike_z, float)


def test_a_pyproject_without_a_curvelint_table_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path / "curvelint.toml", "[rules]\nmin_loss_points = 6\n")
    _write(tmp_path / "inner" / "pyproject.toml", "[project]\nname = 'x'\n")
    config = load_config(tmp_path / "inner", None, {})
    assert config.rules.min_loss_points == 6
    assert config.source == tmp_path / "curvelint.toml"


def test_curvelint_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.curvelint]\nnum_classes = 4\n")
    _write(tmp_path / "curvelint.toml", "num_classes = 5\n")
    assert load_config(tmp_path, None, {}).num_classes == 5


def test_an_explicit_file_replaces_discovery_and_overrides_come_last(tmp_path: Path) -> None:
    _write(tmp_path / "curvelint.toml", "num_classes = 4\n[rules]\nmin_eval_points = 5\n")
    explicit = _write(tmp_path / "other.toml", "[rules]\noverfit_min_rise = 0.3\n")
    config = load_config(tmp_path, explicit, {"rules.overfit_min_rise": "0.4", "main_metric": "f1"})
    assert config.num_classes is None  # the discovered file was not read
    assert config.rules.min_eval_points == 3
    assert config.rules.overfit_min_rise == 0.4
    assert config.main_metric == "f1"
    assert config.source == explicit


def test_overrides_are_parsed_with_the_fields_type(tmp_path: Path) -> None:
    config = load_config(
        tmp_path,
        None,
        {
            "num_classes": "10",
            "analysis.trend_families": "power_law, exponential",
            "analysis.tail_fractions": "0.1,0.3",
            "analysis.smoothing": "none",
            "rules.min_loss_points": "6",
        },
    )
    assert config.num_classes == 10
    assert config.analysis.trend_families == ("power_law", "exponential")
    assert config.analysis.tail_fractions == (0.1, 0.3)
    assert config.analysis.smoothing == "none"
    assert config.rules.min_loss_points == 6


def test_an_unknown_key_names_the_key_a_guess_and_the_valid_keys(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, None, {"rules.overfit_min_ris": "0.2"})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("--set: unknown key 'rules.overfit_min_ris'; did you mean ")
    assert "rules.overfit_min_rise" in message
    assert "analysis." not in message  # only the keys of the section it named


def test_an_unknown_key_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "curvelint.toml", "[rules]\nspike_z = 3\n")
    # the file, as reports show paths: never this machine's absolute path
    with pytest.raises(ConfigError, match=rf"^{path.name}: unknown key 'rules.spike_z'"):
        load_config(tmp_path, None, {})


def test_a_value_of_the_wrong_type_is_refused(tmp_path: Path) -> None:
    _write(tmp_path / "curvelint.toml", '[rules]\nmin_loss_points = "many"\n')
    with pytest.raises(ConfigError, match=r"rules\.min_loss_points = 'many' is not a valid int"):
        load_config(tmp_path, None, {})
    empty = _write(tmp_path / "empty.toml", "")
    with pytest.raises(ConfigError, match=r"^--set rules.overfit_min_rise=x: not a valid float$"):
        load_config(tmp_path, empty, {"rules.overfit_min_rise": "x"})


def test_an_out_of_range_value_is_refused_by_its_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"rules.overfit_min_rise = -1.0 is out of range"):
        load_config(tmp_path, None, {"rules.overfit_min_rise": "-1"})
    with pytest.raises(ConfigError, match=r"analysis\.smoothing=wobbly: not a valid choice among"):
        load_config(tmp_path, None, {"analysis.smoothing": "wobbly"})
    with pytest.raises(ConfigError, match="spike_window and spike_scale_window must be odd"):
        load_config(tmp_path, None, {"analysis.spike_window": "20"})


def test_broken_toml_and_missing_files_are_one_line_errors(tmp_path: Path) -> None:
    broken = _write(tmp_path / "curvelint.toml", "[rules\n")
    with pytest.raises(ConfigError, match=rf"^{broken.name}: invalid TOML"):
        load_config(tmp_path, None, {})
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_config(tmp_path, tmp_path / "missing.toml", {})
    empty = _write(tmp_path / "sub" / "pyproject.toml", "[project]\nname='x'\n")
    with pytest.raises(ConfigError, match=r"no \[tool.curvelint\] table"):
        load_config(tmp_path, empty, {})


def test_fail_on_accepts_severities_never_and_verdict_lists() -> None:
    assert fail_on_targets("warning") == (
        frozenset({Severity.ERROR, Severity.WARNING}),
        frozenset(),
    )
    assert fail_on_targets("never") == (frozenset(), frozenset())
    assert fail_on_targets("diverged, overfitting")[1] == {Verdict.DIVERGED, Verdict.OVERFITTING}
    with pytest.raises(ConfigError, match="fail_on = 'sometimes' is unknown"):
        fail_on_targets("sometimes")


def test_num_classes_below_two_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="num_classes = 1 must be at least 2"):
        load_config(tmp_path, None, {"num_classes": "1"})


def test_every_setting_is_a_valid_key() -> None:
    keys = valid_keys()
    assert "rules.overfit_min_rise" in keys and "analysis.spike_z" in keys and "fail_on" in keys
    assert len(keys) == len(set(keys))
