"""Language identification for the stream.

1. A declared language wins.
2. English and German prose is recognised by words that only these languages use
   ("the", "which", "would" / "der", "nicht", "wurde"): when one of them clearly dominates
   the first few hundred characters, that settles it in microseconds.
3. Otherwise py3langid decides (its model ships inside the package; nothing is
   downloaded). Short texts such as headlines are hard for character n-grams ("Microsoft
   hires Altman" scores as Luxembourgish), so English or German wins when it is within
   ``PRIOR_MARGIN`` (log probability) of the top language: this stream is mostly English
   and German.

Other languages pass through with their ISO 639-1 code; extraction for them is best
effort.
"""

from __future__ import annotations

import re

import py3langid

SUPPORTED = ("en", "de")
UNDETERMINED = "und"
SAMPLE_CHARS = 400
PRIOR_MARGIN = 5.0
CLEAR_VOTES = 5
SHORT_VOTES = 2
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
EXCLUSIVE_WORDS = {
    "en": frozenset(
        "the and with which would their has have said were this that from they been "
        "after who its his her will".split()
    ),
    "de": frozenset(
        "der und ist nicht sich auch dass wurde eine dem des für auf wird sind zu nach "
        "wurden hat sein seine ihre vom zum zur".split()
    ),
}


def _letter_runs(sample: str) -> list[str]:
    """``_WORD.findall(sample)``; a whitespace-separated piece of letters only is one run."""
    runs: list[str] = []
    findall = _WORD.findall
    for piece in sample.split():
        if piece.isalpha():
            runs.append(piece)
        else:
            runs.extend(findall(piece))
    return runs


def _vote(sample: str) -> tuple[str, int, int]:
    words = list(map(str.lower, _letter_runs(sample)))
    counts = sorted(
        ((sum(map(table.__contains__, words)), lang) for lang, table in EXCLUSIVE_WORDS.items()),
        reverse=True,
    )
    (top, best), (second, _) = counts
    return best, top, second


def load_model() -> None:
    """Load py3langid's model now (about half a second) instead of on first use."""
    py3langid.classify("warm up")


def detect_language(text: str, declared: str | None = None) -> str:
    """ISO 639-1 code of ``text``; a declared code wins; ``und`` when there is no text."""
    if declared:
        return declared.lower()
    sample = text[:SAMPLE_CHARS].strip()
    if not sample:
        return UNDETERMINED
    best, top, second = _vote(sample)
    if (top >= CLEAR_VOTES and second <= 1) or (
        top >= SHORT_VOTES and second == 0 and len(sample) < 120
    ):
        return best
    code, _score = py3langid.classify(sample)
    if code in SUPPORTED:
        return str(code)
    scores = dict(py3langid.rank(sample))
    supported = max(SUPPORTED, key=lambda c: scores.get(c, float("-inf")))
    if scores[code] - scores[supported] < PRIOR_MARGIN:
        return supported
    return str(code)
