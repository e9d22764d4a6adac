"""classify_many: order, error results for bad records, streaming, the GIL."""

import itertools
import json
import threading
import time

import pytest

from conftest import write_jsonl

GOOD = "Russia called for a ceasefire."


class Row:
    """A mapping that is not a dict (as a pandas row is)."""

    def __init__(self, **fields):
        self.fields = fields

    def keys(self):
        return self.fields.keys()

    def __contains__(self, key):
        return key in self.fields

    def __getitem__(self, key):
        return self.fields[key]


def test_bad_records_give_error_results_in_place(pack):
    records = [
        GOOD,
        {"id": "no-text", "title": "kept"},
        {"id": "number", "text": 12},
        42,
        None,
        {"id": "nul", "text": "a\0b"},
        {"id": "surrogate", "text": "bad \ud800 text. " + GOOD},
        {"id": "bytes", "text": b"\xef\xbb\xbfok \xff. " + GOOD.encode()},
        Row(id="row", text=GOOD, date=float("nan")),
        {"id": "last", "text": GOOD},
    ]
    got = list(pack.classify_many(records, jobs=2))
    assert [r["id"] for r in got] == [
        "0", "no-text", "number", "3", "4", "nul", "surrogate", "bytes", "row", "last"
    ]
    kinds = [r["error"] and r["error"]["kind"] for r in got]
    assert kinds == [
        None, "missing-field", "missing-field", "record", "record", "binary", None, None, None, None
    ]
    assert got[1]["title"] == "kept" and got[1]["statements"] == []
    assert got[1]["error"]["message"] == "record 1: record has no field `text`"
    for r in (got[6], got[7]):
        assert r["warnings"][0]["kind"] == "utf8"
        assert r["statements"][0]["actors"] == ["RUS"]
    assert "date" not in got[8] and got[8]["statements"]
    assert got[9]["statements"][0]["stances"][0]["label"] == "ceasefire"


def test_bad_jsonl_lines_give_error_results_in_place(pack, cli, tmp_path):
    lines = [
        '{"id": "a", "text": "%s"}' % GOOD,
        "not json",
        "[1]",
        "   ",
        '{"id": "b", "title": 7}',
        b'{"id": "c", "text": "ok \xff. %s"}' % GOOD.encode(),
        '{"id": 12.5, "text": 3}',
    ]
    got = list(pack.classify_many(lines, input="jsonl"))
    assert [r["id"] for r in got] == ["a", "1", "2", "b", "c", "12.5"]
    assert [r["error"] and r["error"]["kind"] for r in got] == [
        None, "json", "json", "missing-field", None, "missing-field"
    ]
    assert got[3]["title"] == "7"
    assert got[4]["warnings"][0]["kind"] == "utf8" and got[4]["statements"]
    assert next(pack.classify_many([42], input="jsonl"))["error"]["kind"] == "json"
    # The CLI gives the same kinds for the same lines (ids of unreadable lines differ: NAME:LINE).
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(l if isinstance(l, bytes) else l.encode() for l in lines) + b"\n")
    want = [json.loads(l) for l in cli("classify", "--format", "jsonl", input_path=path).splitlines()]
    assert [w["error"] and w["error"]["kind"] for w in want] == [
        r["error"] and r["error"]["kind"] for r in got
    ]


def test_error_results_match_the_cli_kinds(pack, cli, tmp_path):
    records = [{"id": "a", "text": GOOD}, {"id": "b", "title": "t"}, {"id": "c", "text": 3},
               {"id": "d", "text": "x\0y"}, {"id": "e", "text": GOOD}]
    path = tmp_path / "in.jsonl"
    write_jsonl(path, records)
    want = [json.loads(l) for l in cli("classify", "--format", "jsonl", input_path=path).splitlines()]
    got = list(pack.classify_many(records))
    for g, w in zip(got, want):
        # Messages name the input (`in.jsonl:2:` / `record 1:`); the rest is the same.
        if w["error"]:
            assert g["error"]["kind"] == w["error"]["kind"]
            g["error"]["message"] = w["error"]["message"] = ""
            w["error"].pop("line", None)
        assert g == w


def test_an_exception_of_the_input_comes_after_the_results_before_it(pack):
    def records():
        yield GOOD
        yield GOOD
        raise RuntimeError("input broke")

    it = pack.classify_many(records())
    assert len([next(it), next(it)]) == 2
    with pytest.raises(RuntimeError, match="input broke"):
        next(it)


def test_results_come_in_input_order_on_many_threads(pack):
    texts = [f"Article {i}. " + (GOOD if i % 3 else "Nothing.") * (1 + i % 7) for i in range(2000)]
    got = pack.classify_many(({"id": f"a{i}", "text": t} for i, t in enumerate(texts)), jobs=4)
    for i, r in enumerate(got):
        assert r["id"] == f"a{i}"
        assert bool(r["statements"]) == bool(i % 3)


def test_reads_ahead_a_bounded_number_of_records(pack):
    read = itertools.count()

    def records():
        for i in itertools.count():
            next(read)
            yield {"id": str(i), "text": GOOD}

    it = pack.classify_many(records(), jobs=2)
    for _ in range(10):
        next(it)
    ahead = next(read)
    # 4 x jobs batches of 64 records read ahead, plus the batch being yielded.
    assert ahead <= 10 * 64 + 64


def test_other_threads_run_while_the_engine_runs(pack):
    """A ticker thread keeps counting while one long article is classified: the GIL is free
    while the engine runs (in classify_many and in classify)."""
    text = (GOOD + " The weather was fine. ") * 20000  # about 1 MB: a second in the engine
    ticks = [0]
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=ticker)
    t.start()
    try:
        for run in (lambda: next(pack.classify_many([text], jobs=1)), lambda: pack.classify(text)):
            before = ticks[0]
            started = time.perf_counter()
            result = run()
            during = ticks[0] - before
            assert len(result["statements"]) == 20000
            assert during > 1000, f"{during} ticks in {time.perf_counter() - started:.2f} s"
    finally:
        stop.set()
        t.join()


def test_a_generator_left_early_stops_cleanly(pack):
    it = pack.classify_many(itertools.repeat(GOOD), jobs=2)
    assert next(it)["statements"]
    del it
