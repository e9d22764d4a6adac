"""The result dicts, written by hand from the core types (src/convert.rs), against the JSON
Lines line of the same result (`output="json"`: the serde derives of demarche-core, byte for
byte the CLI's line). Each dict must be its line parsed, and written back must be the line
itself (same keys in the same order), so a field the converter drops, adds, misnames or
misplaces fails here, as does a field added to demarche-core and not to the converter."""

import json
import shutil

import pytest

import demarche
from conftest import gold_records

GOOD = "Russia called for a ceasefire."


def varied_records():
    """The gold and corpus articles, and records for every field present and absent:
    targets with and without actor codes, stances with and without a CAMEO code, non-ASCII
    text (char offsets that differ from byte offsets), metadata, error results of each kind,
    warnings, empty articles and articles without statements."""
    return gold_records() + [
        {
            "id": "targets",
            "text": "Russia urged Armenia and Azerbaijan to exercise restraint. "
            "The EU called on both sides to respect the ceasefire. "
            "The US condemned Russia's shelling of Kharkiv.",
        },
        {
            "id": "non-ascii",
            "title": "Héadline “quoted”",
            "date": "2024-01-02",
            "url": "https://example.org/a?b=1&c=é",
            "text": "“We call for restraint,” said Stéphane Dujarric, the UN spokesman.\n\n"
            "外交部 said: \"Tab\there\". 😀 The EU expressed deep concern.",
        },
        {"id": "empty", "text": ""},
        {"id": "no-statements", "text": "Nothing here.\n\nNor here."},
        {"id": "no-text", "title": "kept", "date": "2024-03-04"},
        {"id": "not-a-string", "text": 12, "url": "u"},
        {"id": "nul", "text": "a\0b"},
        {"id": "surrogate", "text": "bad \ud800 text. " + GOOD},
        {"id": 7, "date": 2024, "text": b"ok \xff. " + GOOD.encode()},
        42,
        None,
        GOOD,
    ]


def assert_dicts_are_lines(dicts, lines):
    assert len(dicts) == len(lines)
    for d, line in zip(dicts, lines):
        assert d == json.loads(line), line
        assert json.dumps(d, ensure_ascii=False, separators=(",", ":")) == line


@pytest.fixture(scope="module")
def packs(pack, root, tmp_path_factory):
    """The embedded pack, and the same rules with no CAMEO code for `restraint` (every label
    of the embedded pack has one)."""
    rules = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(root / "rules", rules)
    labels = rules / "labels.rules"
    text = labels.read_text(encoding="utf-8")
    assert 'label restraint     cameo "0256" ' in text
    labels.write_text(text.replace('label restraint     cameo "0256" ', "label restraint "),
                      encoding="utf-8")
    return [pack, demarche.Pack.from_dir(rules)]


def test_result_dicts_are_the_json_lines_parsed(packs):
    records = varied_records()
    dicts = []
    for pack in packs:
        lines = list(pack.classify_many(records, jobs=2, output="json"))
        got = list(pack.classify_many(records, jobs=2))
        assert len(got) == len(records)
        assert_dicts_are_lines(got, lines)
        dicts += got
    # The records give every field, present and absent.
    statements = [s for r in dicts for s in r["statements"]]
    stances = [x for s in statements for x in s["stances"]]
    assert len(statements) > 100
    for key in ("title", "date", "url", "warnings"):
        assert any(key in r for r in dicts) and any(key not in r for r in dicts), key
    assert {r["error"] and r["error"]["kind"] for r in dicts} >= {
        None, "missing-field", "binary", "record"
    }
    assert any(r["error"] is None and not r["statements"] for r in dicts)
    for key in ("speaker", "target"):
        assert {s[key] is None for s in statements} == {True, False}, key
    for key in ("actors", "cameo_actors", "targets", "target_cameo_actors"):
        assert {bool(s[key]) for s in statements} == {True, False}, key
    assert {x["cameo"] is None for x in stances} == {True, False}
    assert any(s["char_start"] != s["start"] for s in statements)
    assert any(s["char_start"] == s["start"] for s in statements)


def test_jsonl_input_gives_the_same_dicts(pack):
    lines_in = [json.dumps(r) for r in varied_records() if isinstance(r, dict) and "text" in r
                and isinstance(r["text"], str) and isinstance(r.get("id"), str)]
    lines = list(pack.classify_many(lines_in, input="jsonl", output="json"))
    assert_dicts_are_lines(list(pack.classify_many(lines_in, input="jsonl")), lines)


def test_classify_and_explain_give_the_same_dicts(pack):
    for record in varied_records()[-12:-3]:
        if not isinstance(record.get("text"), str):
            continue
        (line,) = pack.classify_many([record], output="json")
        meta = {k: record[k] for k in ("id", "title", "date", "url") if k in record}
        assert_dicts_are_lines([pack.classify(record["text"], **meta)], [line])
        if "\ud800" in record["text"]:
            continue  # explain takes valid text only
        statements = json.loads(line)["statements"]
        explained = [s["statement"] for s in pack.explain(record["text"]) if s["statement"]]
        assert explained == statements
