from typing import Any, Dict, Iterable, Optional

from ._demarche import COLUMNS as COLUMNS
from ._demarche import Pack as Pack
from ._demarche import Results as Results
from ._demarche import RuleError as RuleError
from ._demarche import __version__ as __version__

def to_pandas(results: Iterable[Any], pack: Optional[Pack] = None) -> Any:
    """The table of ``results`` (result dicts, or JSON Lines lines) as a pandas
    DataFrame: the columns of ``demarche classify --format csv`` (``COLUMNS``), offsets as
    ``Int64``, the rest as ``string``."""

def read_csv(path_or_buffer: Any, **kwargs: Any) -> Any:
    """Reads a CSV of ``demarche classify --format csv`` into the frame ``to_pandas`` makes of
    the same results."""

def dtypes() -> Dict[str, str]:
    """The pandas dtype of every column, by name."""
