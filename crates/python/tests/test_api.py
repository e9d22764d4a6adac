"""The module's API: the pack, classify, explain, rule errors."""

import pytest

import demarche

SENTENCE = "The UN urged both sides to exercise restraint."


def test_pack_hash_and_version_match_the_results(pack):
    assert len(pack.hash) == 16 and int(pack.hash, 16) >= 0
    assert pack.version == demarche.__version__
    r = pack.classify(SENTENCE)
    assert r["demarche"] == {"version": pack.version, "rules": pack.hash}
    assert "restraint" in pack.labels


def test_classify_gives_the_json_lines_fields(pack):
    r = pack.classify(SENTENCE, id="a1", date="2024-05-01", title="T", url="https://x.test/a")
    assert list(r) == ["id", "title", "date", "url", "statements", "error", "demarche"]
    assert r["id"] == "a1" and r["error"] is None
    (st,) = r["statements"]
    assert st["actors"] == ["UN"]
    assert st["speaker"]["text"] == "The UN"
    assert [s["label"] for s in st["stances"]] == ["restraint"]
    stance = st["stances"][0]
    assert SENTENCE[stance["char_start"]:stance["char_end"]] == stance["text"]


def test_classify_without_metadata_leaves_it_out(pack):
    r = pack.classify("Nothing to see here.")
    assert r == {
        "id": "0",
        "statements": [],
        "error": None,
        "demarche": {"version": pack.version, "rules": pack.hash},
    }


def test_classify_rejects_a_text_that_is_not_text(pack):
    with pytest.raises(TypeError):
        pack.classify(42)


def test_metadata_values_become_text(pack):
    import datetime

    r = pack.classify(SENTENCE, id=7, date=datetime.date(2024, 1, 2), title=float("nan"))
    assert r["id"] == "7" and r["date"] == "2024-01-02" and "title" not in r


def test_explain_is_the_cli_trace_as_data(pack):
    (s,) = pack.explain("Russia urged both sides to exercise restraint.")
    assert s["text"].startswith("Russia urged")
    assert [t["surface"] for t in s["tokens"]][:2] == ["Russia", "urged"]
    assert any(r["matches"] for r in s["rules"])
    assert s["statement"]["stances"][0]["label"] == "restraint"
    assert s["attribution"]["actors"] == ["RUS"]


def test_from_dir_lists_every_rule_error_as_check_does(tmp_path, cli):
    (tmp_path / "a.rules").write_text("rule restraint.x {\n  label\n}\n", encoding="utf-8")
    (tmp_path / "b.rules").write_text("rule {\n", encoding="utf-8")
    with pytest.raises(demarche.RuleError) as e:
        demarche.Pack.from_dir(tmp_path)
    message = str(e.value)
    assert "a.rules:" in message and "b.rules:" in message
    assert len(e.value.errors) == 2
    for err in e.value.errors:
        assert f"{err['path']}:{err['line']}:{err['col']}" in message
    # The same positions as `demarche check`.
    arrows = lambda text: sorted(l.strip() for l in text.splitlines() if "--> " in l)
    assert arrows(message) == arrows(cli("check", str(tmp_path)))


def test_from_dir_of_the_default_rules_hashes_as_the_embedded_pack(pack, root):
    assert demarche.Pack.from_dir(root / "rules").hash == pack.hash


def test_from_dir_of_a_missing_folder_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        demarche.Pack.from_dir(tmp_path / "missing")
