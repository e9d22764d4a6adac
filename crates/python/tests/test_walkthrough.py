"""docs/python.md's walk-through runs: its ```python blocks, in order, in an empty folder,
sharing one namespace as notebook cells do. The plotting block is skipped when matplotlib is
not installed."""

import importlib.util
import os
import re

import pytest

from conftest import ROOT

pytest.importorskip("pandas")


def blocks():
    text = (ROOT / "docs" / "python.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_walk_through_runs(tmp_path, capsys):
    found = blocks()
    assert len(found) >= 5
    namespace = {"__name__": "__walkthrough__"}
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        for code in found:
            if "import matplotlib" in code and importlib.util.find_spec("matplotlib") is None:
                continue
            exec(compile(code, "docs/python.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    counts = namespace["counts"]
    assert counts.values.sum() > 0
    assert "2024-01" in [str(m) for m in counts.columns]
    assert (tmp_path / "results.jsonl").exists()
    if importlib.util.find_spec("matplotlib") is not None:
        assert (tmp_path / "stances-by-month.png").stat().st_size > 0
