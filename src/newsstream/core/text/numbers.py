"""Numbers in a text, normalised across notations and languages: ``1.500`` (de) =
``1,500`` (en) = 1500; "2,1 Milliarden" = "2.1 billion". Story evidence uses them
as language-neutral keys (``#:<value>``).
"""

from __future__ import annotations

import re

from newsstream.core.text.calendar_days import _ODD_FOLD

_SCALES = {
    "thousand": 1e3, "tausend": 1e3, "million": 1e6, "millions": 1e6, "millionen": 1e6,
    "mio": 1e6, "billion": 1e9, "billions": 1e9, "milliarde": 1e9, "milliarden": 1e9,
    "mrd": 1e9, "bn": 1e9, "trillion": 1e12, "billionen": 1e12,
}  # fmt: skip
_SCALE = "|".join(sorted(_SCALES, key=len, reverse=True))
_NUMBER = {
    # (pattern, thousands separator): "1,500.5" in English, "1.500,5" in German
    "en": (rf"(?<![\w.,])(\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.(\d+))?(?:\s*({_SCALE})\b)?", ","),
    "de": (rf"(?<![\w.,])(\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,(\d+))?(?:\s*({_SCALE})\b)?", "."),
}
_NUMBER_RE = {lang: (re.compile(p, re.IGNORECASE), sep) for lang, (p, sep) in _NUMBER.items()}
_DIGITS = re.compile(r"\d+")


# how far past a number's end and the blanks after it _NUMBER_RE may look: a
# thousands group or a point and a digit, the longest scale word, a word boundary
_HORIZON = 16


def numbers(text: str, language: str) -> dict[str, float]:
    """Normalised numbers: 10 and more, decimals, or any number with a scale word."""
    return numbers_with_head(text, language, "")[0]


def numbers_with_head(
    text: str, language: str, head: str
) -> tuple[dict[str, float], dict[str, float]]:
    """``numbers`` of ``text`` and of ``head`` (a prefix of it), in one pass.

    A number can only start where a run of digits starts (``_NUMBER_RE``'s
    look-behind rejects a digit after a letter, digit, point or comma), so the
    runs are found with a plain ``\\d+`` scan and the full pattern is only tried
    there; in the head it is tried on the head itself (a number cut by its end
    reads differently there).
    """
    pattern, separator = _NUMBER_RE["de" if language == "de" else "en"]
    out: dict[str, float] = {}
    in_head: dict[str, float] = {}
    head_end = len(head)
    end = 0
    for run in _DIGITS.finditer(text):
        start = run.start()
        if start < end:  # inside the number just read
            continue
        match = pattern.match(text, start)
        if match is None:
            continue
        end = match.end()
        _count_number(out, match, separator)
        if start < head_end:
            ahead = end
            while ahead < head_end and text[ahead].isspace():
                ahead += 1
            if ahead + _HORIZON < head_end:  # the pattern never looked near the head's end
                _count_number(in_head, match, separator)
            else:
                cut = pattern.match(head, start)
                if cut is not None:
                    _count_number(in_head, cut, separator)
    return out, in_head


def _count_number(out: dict[str, float], match: re.Match[str], separator: str) -> None:
    whole, fraction, scale = match.groups()
    digits = whole.replace(separator, "")
    value = float(f"{digits}.{fraction}" if fraction else digits)
    if scale:
        value *= _SCALES[scale.translate(_ODD_FOLD).lower()]
    if value < 10 and not scale and not fraction:
        return
    significant = len((digits + (fraction or "")).strip("0")) or 1
    if 1900 <= value <= 2100 and not fraction and not scale:
        weight = 0.15  # a year: weak evidence
    elif value < 100 and not fraction and not scale:
        weight = 0.25  # ages, counts: common
    else:  # "12,563" is specific, "1,000" is not; a scale word adds a little
        weight = min(0.8, 0.2 + 0.15 * significant + (0.1 if scale else 0.0))
    key = f"#:{value:.4g}"
    out[key] = max(out.get(key, 0.0), weight)
