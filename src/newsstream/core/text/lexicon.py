"""Loading the lexicons shipped under ``newsstream/data/lexicons`` (data, not code).

Every loader is cached: a file is read once per process. Formats:

* ``*.txt``  one entry per line; ``#`` starts a comment.
* ``*.tsv``  ``key<TAB>value`` lines (``#`` comments); see each loader.
* ``*.json`` a JSON object; keys starting with ``_`` are comments.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

PACKAGE = "newsstream.data"
FOLDER = "lexicons"


def read_text(name: str) -> str:
    """The text of one lexicon file."""
    return resources.files(PACKAGE).joinpath(FOLDER, name).read_text(encoding="utf-8")


def _lines(name: str) -> list[str]:
    rows = []
    for raw in read_text(name).splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            rows.append(raw.rstrip("\n"))
    return rows


@cache
def load_json(name: str) -> dict[str, Any]:
    data = json.loads(read_text(name))
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def load_words(name: str) -> frozenset[str]:
    """The entries of a one-per-line list."""
    return frozenset(line.strip() for line in _lines(name))


@cache
def load_aliases(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``canonical<TAB>alias|alias`` rows as (canonical, aliases)."""
    rows = []
    for line in _lines(name):
        canonical, _, rest = line.partition("\t")
        aliases = tuple(a.strip() for a in rest.split("|") if a.strip())
        rows.append((canonical.strip(), aliases))
    return tuple(rows)


@cache
def load_mapping(name: str) -> dict[str, str]:
    """``key<TAB>value`` rows as a dict."""
    mapping = {}
    for line in _lines(name):
        key, _, value = line.partition("\t")
        mapping[key.strip()] = value.strip()
    return mapping
