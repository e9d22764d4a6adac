"""Parity with the CLI: the same records give the same JSON Lines results, field for field
(provenance included), and the same table as `--format csv`."""

import json

import pytest

import demarche
from conftest import gold_records, write_jsonl


def test_classify_many_equals_cli_jsonl(pack, cli, tmp_path):
    records = gold_records()
    path = tmp_path / "in.jsonl"
    write_jsonl(path, records)
    want = [json.loads(l) for l in cli("classify", "--format", "jsonl", input_path=path).splitlines()]
    got = list(pack.classify_many(records, jobs=2))
    assert len(got) == len(want) == len(records)
    assert sum(len(r["statements"]) for r in got) > 100
    for g, w in zip(got, want):
        assert g == w, g["id"]


def test_json_output_is_the_cli_line_byte_for_byte(pack, cli, tmp_path):
    records = gold_records()
    path = tmp_path / "in.jsonl"
    write_jsonl(path, records)
    want = cli("classify", "--format", "jsonl", input_path=path).splitlines()
    assert list(pack.classify_many(records, jobs=2, output="json")) == want


def test_jsonl_lines_in_give_the_cli_lines_out(pack, cli, tmp_path):
    path = tmp_path / "in.jsonl"
    write_jsonl(path, gold_records())
    want = cli("classify", "--format", "jsonl", input_path=path).splitlines()
    with open(path, "rb") as f:
        assert list(pack.classify_many(f, input="jsonl", output="json")) == want
    with open(path, encoding="utf-8") as f:
        assert list(pack.classify_many(f, input="jsonl")) == [json.loads(l) for l in want]


def test_classify_equals_cli_on_one_article(pack, cli, root):
    path = root / "tests" / "corpus" / "karabakh-restraint.txt"
    (want,) = [json.loads(l) for l in cli("classify", "--format", "jsonl", input_path=path).splitlines()]
    got = pack.classify(path.read_text(encoding="utf-8"), id=want["id"])
    assert got == want


def test_a_rule_folder_gives_the_cli_provenance(cli, root, tmp_path):
    path = tmp_path / "in.jsonl"
    write_jsonl(path, [{"id": "a", "text": "Russia called for a ceasefire."}])
    pack = demarche.Pack.from_dir(root / "rules")
    out = cli("classify", "--rules", str(root / "rules"), "--format", "jsonl", input_path=path)
    assert [json.loads(l) for l in out.splitlines()] == list(
        pack.classify_many([{"id": "a", "text": "Russia called for a ceasefire."}])
    )


def test_to_pandas_equals_cli_csv(pack, cli, tmp_path):
    pytest.importorskip("pandas")
    import pandas as pd

    records = gold_records() + [{"id": "empty", "text": "Nothing here."}, {"id": "bad"}]
    path = tmp_path / "in.jsonl"
    write_jsonl(path, records)
    csv_path = tmp_path / "out.csv"
    csv_path.write_text(cli("classify", "--format", "csv", input_path=path), encoding="utf-8", newline="")
    want = demarche.read_csv(csv_path)
    with open(csv_path, encoding="utf-8", newline="") as f:
        header = f.readline().rstrip("\r\n").split(",")
    got = demarche.to_pandas(pack.classify_many(records))
    assert list(got.columns) == header == list(demarche.COLUMNS)
    # The error row's message names its input differently (in.jsonl:LINE / record N).
    for frame in (got, want):
        frame.loc[frame["row_type"] == "error", "error_message"] = pd.NA
    pd.testing.assert_frame_equal(got, want)
    assert (got["row_type"] == "stance").sum() > 100
