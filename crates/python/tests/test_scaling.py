"""The Spark and Ray recipes of benches/scaling/ that call the module: run on the gold
articles, their output must equal the CLI's. Skipped unless pyspark (with Java) or ray is
installed: CI does not install them."""

import importlib.util
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, gold_records, write_jsonl


def run_recipe(script, cli_path, tmp_path, *extra):
    corpus = tmp_path / "in.jsonl"
    write_jsonl(corpus, gold_records())
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benches" / "scaling" / script), str(corpus),
         str(tmp_path / "out"), "--demarche", str(cli_path), *extra],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert '"equal_to_cli": true' in proc.stdout


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="pyspark or java not installed",
)
def test_spark_module_recipe_equals_cli(cli_path, tmp_path):
    run_recipe("spark_module.py", cli_path, tmp_path, "--master", "local[2]", "--partitions", "3")


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray not installed")
def test_ray_module_recipe_equals_cli(cli_path, tmp_path):
    run_recipe("ray_module.py", cli_path, tmp_path, "--cpus", "2", "--batch", "50")
