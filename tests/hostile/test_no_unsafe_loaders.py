"""Nothing in curvelint turns data into code: no pickle, no eval, no YAML loader that builds
objects, no shell; ruff's S (bandit) rules pass; a hostile YAML file stays text."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.robustness.helpers import REPO

SOURCES = sorted((REPO / "curvelint").rglob("*.py"))
FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "cloudpickle", "marshal", "shelve", "joblib"}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "input"}
FORBIDDEN_ATTRIBUTES = {
    ("yaml", "load"),
    ("yaml", "load_all"),
    ("yaml", "unsafe_load"),
    ("yaml", "unsafe_load_all"),
    ("yaml", "full_load"),
    ("yaml", "full_load_all"),
    ("yaml", "Loader"),
    ("yaml", "UnsafeLoader"),
    ("yaml", "FullLoader"),
    ("torch", "load"),
    ("pd", "read_pickle"),
    ("pandas", "read_pickle"),
    ("os", "system"),
    ("os", "popen"),
}


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names]
            module = node.module if isinstance(node, ast.ImportFrom) else None
            for name in [*(names if module is None else []), module or ""]:
                if name.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(f"{where}: imports {name}")
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id in FORBIDDEN_CALLS:
                found.append(f"{where}: calls {function.id}()")
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg in ("allow_pickle", "shell")
                    and isinstance(value, ast.Constant)
                    and value.value is True
                ):
                    found.append(f"{where}: {keyword.arg}=True")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in FORBIDDEN_ATTRIBUTES
        ):
            found.append(f"{where}: uses {node.value.id}.{node.attr}")
    return found


def test_no_code_from_data_anywhere_in_curvelint() -> None:
    assert SOURCES
    problems = [problem for path in SOURCES for problem in _problems(path)]
    assert not problems, problems


def test_the_scan_would_catch_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nimport yaml\nyaml.load(x)\neval('1')\nimport numpy as np\n"
        "np.load(p, allow_pickle=True)\nsubprocess.run(c, shell=True)\n"
    )
    assert len(_problems(bad)) == 5, _problems(bad)


def test_ruff_security_rules_pass() -> None:
    ruff = shutil.which("ruff") or str(REPO / ".venv" / "bin" / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    completed = subprocess.run(
        [ruff, "check", "--select", "S", "--no-cache", str(REPO / "curvelint")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]


def test_yaml_that_would_build_objects_stays_text(tmp_path: Path) -> None:
    """Lightning's hparams.yaml and MLflow's meta.yaml are read with safe_load: tags that
    would construct Python objects (and run code) are refused, and the curves still read."""
    from curvelint.runs import read_runs

    marker = tmp_path / "pwned"
    version = tmp_path / "lightning_logs" / "version_0"
    version.mkdir(parents=True)
    (version / "metrics.csv").write_text("epoch,step,train_loss\n0,0,1.0\n0,1,0.5\n")
    (version / "hparams.yaml").write_text(
        f"lr: !!python/object/apply:os.system ['touch {marker}']\n"
        f"x: !!python/object/new:subprocess.check_output [['touch', '{marker}']]\n"
    )
    run = tmp_path / "mlruns" / "0" / ("cd" * 16)
    (run / "metrics").mkdir(parents=True)
    (run / "metrics" / "loss").write_text("1700000000000 1.0 0\n")
    (run / "meta.yaml").write_text(
        f"run_name: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    report = read_runs([tmp_path])
    assert not marker.exists()
    assert sorted(len(r.frame) for r in report.runs) == [1, 2]
