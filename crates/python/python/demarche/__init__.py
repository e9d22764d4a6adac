"""demarche: extract diplomatic statements (who said what, by stance) from news articles.

The rule engine of the ``demarche`` command line, as a module::

    import demarche
    pack = demarche.Pack()                       # the embedded rule pack
    result = pack.classify("The UN urged both sides to exercise restraint.")
    for r in pack.classify_many(records):        # str or dict records, results in input order
        ...
    frame = demarche.to_pandas(results)          # the table of `--format csv`, one row per stance

A result is a dict with the fields of one line of ``demarche classify --format jsonl``
(docs/output-format.md), the ``demarche`` provenance field included. See docs/python.md.
"""

from ._demarche import COLUMNS, Pack, Results, RuleError, __version__
from ._pandas import dataframe, dtypes, read_csv, to_pandas

Pack.dataframe = dataframe

__all__ = [
    "COLUMNS",
    "Pack",
    "Results",
    "RuleError",
    "__version__",
    "dtypes",
    "read_csv",
    "to_pandas",
]
