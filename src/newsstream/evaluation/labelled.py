"""Readable failures for labelled input files of ``newsstream evaluate``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from pydantic import ValidationError

from newsstream.errors import InputDataError


@contextmanager
def labelled_rows_problem(path: Path) -> Iterator[None]:
    """Turn a row that is not JSON, lacks its label or is not an article into
    ``InputDataError`` (exit 65) naming the file and the problem."""
    try:
        yield
    except orjson.JSONDecodeError as exc:
        raise InputDataError(f"{path} has a line that is not JSON ({exc})") from exc
    except KeyError as exc:
        raise InputDataError(
            f"{path} has a row without the field {exc}; is it the right kind of labelled file "
            "(stories: a 'story' label per row; --extraction: extraction gold)?"
        ) from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputDataError(
            f"{path} has a row that is not a valid article: {where}: {first['msg']}"
        ) from exc
