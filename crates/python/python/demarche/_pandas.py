"""The table of results (one row per stance) as a pandas DataFrame: the columns of ``demarche classify
--format csv``, in the same order, built by the same code (the CLI's row builder, compiled into
the module), with typed columns: offsets as nullable integers (``Int64``), everything else as
``string``; a cell that is empty in the CSV is ``<NA>``.

``read_csv`` reads a CSV written by the CLI into exactly the frame ``to_pandas`` makes of the
same results. pandas is an optional dependency: it is imported only here, when called.
"""

import json
from typing import Any, Dict, Iterable, Optional

from ._demarche import Pack

_DTYPES = {"text": "string", "integer": "Int64"}


def _pandas():
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError(
            "demarche.to_pandas needs pandas: pip install pandas "
            "(or pip install './crates/python[pandas]')"
        ) from e
    return pandas


def _frame(names, kinds, columns):
    pd = _pandas()
    data = {
        name: pd.array(values, dtype=_DTYPES[kind])
        for name, kind, values in zip(names, kinds, columns)
    }
    return pd.DataFrame(data, columns=list(names))


def to_pandas(results: Iterable[Any], pack: Optional[Pack] = None):
    """The table of ``results`` (dicts from ``Pack.classify`` / ``classify_many``, JSON
    Lines lines from ``output="json"`` or from the CLI, or those lines parsed): one row per
    stance (the speaker's and target's actor codes ``;``-joined), one ``no-statements`` row per
    article without statements, one ``error`` row per article that failed. The columns and
    their order are the CSV header (``demarche.COLUMNS``). ``pack`` gives the labels' PLOVER
    types and the actors' CAMEO codes (default: the embedded pack); each result keeps its own
    ``demarche`` provenance."""
    pack = pack if pack is not None else _embedded()
    dicts = (json.loads(r) if isinstance(r, (str, bytes)) else r for r in results)
    names, kinds, columns = pack._table(dicts)
    return _frame(names, kinds, columns)


def dataframe(self: Pack, records: Iterable[Any], jobs: Optional[int] = None):
    """Classifies ``records`` (as ``classify_many``) and returns the table of the results
    (as ``demarche.to_pandas``)."""
    return to_pandas(self.classify_many(records, jobs=jobs), self)


def dtypes() -> Dict[str, str]:
    """The pandas dtype of every column, by name."""
    names, kinds, _ = _embedded()._table([])
    return {name: _DTYPES[kind] for name, kind in zip(names, kinds)}


def read_csv(path_or_buffer, **kwargs):
    """Reads a CSV written by ``demarche classify --format csv`` into the frame ``to_pandas``
    makes of the same results (same columns, dtypes and missing values)."""
    pd = _pandas()
    return pd.read_csv(
        path_or_buffer,
        dtype=dtypes(),
        keep_default_na=False,
        na_values=[""],
        **kwargs,
    )


_EMBEDDED: Optional[Pack] = None


def _embedded() -> Pack:
    global _EMBEDDED
    if _EMBEDDED is None:
        _EMBEDDED = Pack()
    return _EMBEDDED
