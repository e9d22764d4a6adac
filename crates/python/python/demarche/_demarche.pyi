"""Type stubs of the native module (crates/python/src/*.rs)."""

from typing import Any, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Union

import datetime
import os

__version__: str
#: The columns of the table, in order: the header of ``demarche classify --format csv``.
COLUMNS: List[str]

#: A result: the fields of one ``demarche classify --format jsonl`` line (``id``, ``title``,
#: ``date``, ``url``, ``statements``, ``error``, ``warnings``, ``demarche``).
Result = Dict[str, Any]
#: A record: a text, or a mapping with ``text`` and optionally ``id``, ``title``, ``date``,
#: ``url`` (str, int, float or a date; None, NaN and NaT count as absent).
Record = Union[str, bytes, Mapping[str, Any]]
Meta = Union[str, int, float, datetime.date, None]

class RuleError(ValueError):
    """A rule pack that does not compile. ``str(e)`` lists every error (``file:line:col``,
    rendered as ``demarche check`` does)."""

    errors: List[Dict[str, Any]]
    """Every error: ``{"path", "line", "col", "message", "help"}``."""

class Results(Iterator[Any]):
    """The generator of ``Pack.classify_many``: results (dicts, or JSON str with
    ``output="json"``) in input order."""

    def __iter__(self) -> "Results": ...
    def __next__(self) -> Any: ...

class Pack:
    """A compiled rule pack."""

    def __init__(self) -> None:
        """The default rule pack, embedded in the module (the CLI's, byte for byte)."""
    @staticmethod
    def from_dir(path: Union[str, os.PathLike[str]]) -> "Pack":
        """Compiles every ``*.rules`` file below ``path``. Raises ``RuleError`` listing every
        error, or ``OSError`` when the folder cannot be read."""
    @property
    def hash(self) -> str:
        """The rule-pack hash, 16 hex digits (the ``rules`` of a result's ``demarche``)."""
    @property
    def version(self) -> str:
        """The demarche version (the ``version`` of a result's ``demarche``)."""
    @property
    def labels(self) -> List[str]:
        """The stance labels, in pack order."""
    def classify(
        self,
        text: Union[str, bytes],
        id: Meta = None,
        date: Meta = None,
        title: Meta = None,
        url: Meta = None,
    ) -> Result:
        """Classifies one article. ``id`` defaults to ``"0"``. A text holding NUL gives an
        error result (``binary``); a text that is not ``str``/``bytes`` raises ``TypeError``."""
    def classify_many(
        self,
        records: Iterable[Any],
        jobs: Optional[int] = None,
        input: Literal["records", "jsonl"] = "records",
        output: Literal["dict", "json"] = "dict",
    ) -> Results:
        """Classifies ``records`` on ``jobs`` threads (default: every core), with the GIL
        released while the engine runs; yields results in input order as it goes, reading
        ahead a bounded number of records. A record that cannot be read gives an error result
        in its place. Records without an id get their 0-based position as id.

        ``input="records"``: texts (``str``/``bytes``) or mappings (``text``, ``id``, ...).
        ``input="jsonl"``: JSON Lines lines (``str``/``bytes``, e.g. a file opened in binary
        mode), parsed on the worker threads as the CLI parses them; blank lines are skipped.

        ``output="dict"``: dicts. ``output="json"``: each result's JSON Lines line (a str, no
        line end, byte for byte the CLI's), rendered on the worker threads."""
    def explain(self, text: str) -> List[Dict[str, Any]]:
        """How the pipeline reads ``text``, one dict per sentence: ``text``, ``start``,
        ``tokens``, ``skipped``, ``rules`` (with ``matches`` and ``progress``), ``statement``,
        ``attribution`` — the data behind ``demarche explain``."""
    def dataframe(self, records: Iterable[Record], jobs: Optional[int] = None) -> Any:
        """``classify_many`` then ``demarche.to_pandas``: a pandas DataFrame."""
    def _table(self, results: Iterable[Result]) -> Any: ...
