"""The table: the CSV's columns and dtypes."""

import pytest

import demarche

pd = pytest.importorskip("pandas")


def test_columns_and_dtypes(pack):
    df = pack.dataframe(["The US and Russia urged calm and expressed concern.", "Nothing.", {}])
    assert list(df.columns) == list(demarche.COLUMNS)
    dtypes = demarche.dtypes()
    for name in df.columns:
        assert str(df[name].dtype) == str(pd.array([], dtype=dtypes[name]).dtype), name
    assert str(df["statement_start"].dtype) == "Int64"
    # One row per stance (the CLI's default CSV shape): two stances of one statement by two
    # actors, listed with ";".
    assert list(df["row_type"]) == ["stance"] * 2 + ["no-statements", "error"]
    assert list(df["actors"][:2]) == ["USA;RUS", "USA;RUS"]
    assert df["stance_id"][0] != df["stance_id"][1]
    assert df["statement_id"][0] == df["statement_id"][1]
    assert df["label_plover"].notna().sum() >= 1
    assert df["date"].isna().all()


def test_an_empty_run_has_the_columns(pack):
    df = demarche.to_pandas([])
    assert list(df.columns) == list(demarche.COLUMNS) and len(df) == 0


def test_to_pandas_takes_dicts_or_json_lines(pack):
    texts = ["The EU expressed concern.", "Nothing."]
    dicts = demarche.to_pandas(pack.classify_many(texts))
    assert dicts.equals(demarche.to_pandas(pack.classify_many(texts, output="json"), pack))
