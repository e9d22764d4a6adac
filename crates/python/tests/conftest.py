"""Shared fixtures of the Python tests: the embedded pack, the repository, the CLI binary.

The parity tests run the `demarche` binary of this checkout: $DEMARCHE_BIN when set (CI sets
it, and a missing file is then an error), otherwise target/debug or target/release.
"""

import json
import os
import pathlib
import subprocess

import pytest

import demarche

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def pack():
    return demarche.Pack()


@pytest.fixture(scope="session")
def root():
    return ROOT


def _cli_path():
    given = os.environ.get("DEMARCHE_BIN")
    if given:
        return pathlib.Path(given)
    for profile in ("debug", "release"):
        path = ROOT / "target" / profile / "demarche"
        if path.exists():
            return path
    return None


@pytest.fixture(scope="session")
def cli_path():
    path = _cli_path()
    if path is None:
        pytest.skip("no demarche binary: cargo build, or set DEMARCHE_BIN")
    assert path.exists(), f"DEMARCHE_BIN={path} does not exist"
    return path


@pytest.fixture(scope="session")
def cli(cli_path):
    path = cli_path

    def run(*args, input_path=None):
        proc = subprocess.run(
            [str(path), *args] + ([str(input_path)] if input_path else []),
            capture_output=True,
            text=True,
        )
        assert proc.returncode in (0, 2), proc.stderr
        return proc.stdout

    return run


def gold_records():
    """Records of the gold files and the corpus articles: id, text, title, date, url."""
    records = []
    for name in ("news.gold.jsonl", "corpus.gold.jsonl"):
        with open(ROOT / "tests" / "gold" / name, encoding="utf-8") as f:
            for line in f:
                g = json.loads(line)
                src = g.get("source") or {}
                rec = {"id": g["id"], "text": g["text"]}
                for key in ("title", "date", "url"):
                    if src.get(key) is not None:
                        rec[key] = src[key]
                records.append(rec)
    for path in sorted((ROOT / "tests" / "corpus").glob("*.txt")):
        records.append({"id": path.name, "text": path.read_text(encoding="utf-8")})
    return records


def write_jsonl(path, records):
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
