"""Calendar days named in a text, language-neutral: "17. November" (de) and
"November 17th" (en) are both (11, 17). Story evidence uses them as keys
(``d:<month>-<day>``); ``text.dates`` resolves full dates against the publication
time for events.
"""

from __future__ import annotations

import re

_CASE_ODD = ("İ", "ı", "ſ")  # characters re.IGNORECASE matches to letters lower() does not give
_ODD_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})  # ... ("Auguſt" is "August")
_ORDINALS = ("st", "nd", "rd", "th")
MONTHS = {
    "january": 1, "januar": 1, "jänner": 1, "february": 2, "februar": 2, "march": 3,
    "märz": 3, "april": 4, "may": 5, "mai": 5, "june": 6, "juni": 6, "july": 7, "juli": 7,
    "august": 8, "september": 9, "october": 10, "oktober": 10, "november": 11,
    "december": 12, "dezember": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_DAY_FIRST = re.compile(rf"\b([0-3]?\d)\.?\s+({_MONTH})\b", re.IGNORECASE)
_DATE_MONTH_FIRST = re.compile(rf"\b({_MONTH})\s+([0-3]?\d)(?:st|nd|rd|th)?\b", re.IGNORECASE)


def dates(text: str, lowered: str | None = None) -> dict[str, float]:
    """Calendar dates without a year ("17. November", "November 17th").

    ``lowered`` is ``text.lower()`` when the caller has it already.
    """
    found = _date_pairs(text, text.lower() if lowered is None else lowered)
    return {f"d:{month}-{day}": 0.4 for month, day in sorted(found) if 1 <= day <= 31}


def _date_pairs(text: str, lowered: str) -> set[tuple[int, int]]:
    """(month, day) of ``_DATE_DAY_FIRST`` and ``_DATE_MONTH_FIRST`` matches.

    Both patterns need a month name that is a whole word, so the month names are
    found with ``str.find`` in the lower-cased text and only the digits around
    them are looked at: the same pairs as the two case-insensitive regexes, many
    times faster. A text whose lower-casing is not one character for one (or that
    holds a character the regex folds differently: "İ", "ı", "ſ") takes the regexes.
    """
    if len(lowered) != len(text) or any(odd in text for odd in _CASE_ODD):
        found: set[tuple[int, int]] = set()
        for match in _DATE_DAY_FIRST.finditer(text):
            found.add((MONTHS[match.group(2).translate(_ODD_FOLD).lower()], int(match.group(1))))
        for match in _DATE_MONTH_FIRST.finditer(text):
            found.add((MONTHS[match.group(1).translate(_ODD_FOLD).lower()], int(match.group(2))))
        return found
    found = set()
    size = len(text)
    for name, month in MONTHS.items():
        start = lowered.find(name)
        while start >= 0:
            end = start + len(name)
            if (start == 0 or not _is_word(text[start - 1])) and (
                end == size or not _is_word(text[end])
            ):
                day = _day_before(text, start)
                if day is not None:
                    found.add((month, day))
                day = _day_after(text, lowered, end)
                if day is not None:
                    found.add((month, day))
            start = lowered.find(name, end)
    return found


def _is_word(char: str) -> bool:
    r"""``\w`` of ``re`` for one character."""
    return char.isalnum() or char == "_"


def _day_before(text: str, start: int) -> int | None:
    r"""The day of ``\b([0-3]?\d)\.?\s+`` ending at ``start`` (a month name)."""
    end = start
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end == start:
        return None
    if end > 0 and text[end - 1] == ".":
        end -= 1
    if end == 0 or not text[end - 1].isdecimal():
        return None
    if end >= 2 and text[end - 2] in "0123" and (end == 2 or not _is_word(text[end - 3])):
        return int(text[end - 2 : end])
    if end == 1 or not _is_word(text[end - 2]):
        return int(text[end - 1])
    return None


def _day_after(text: str, lowered: str, end: int) -> int | None:
    r"""The day of ``\s+([0-3]?\d)(?:st|nd|rd|th)?\b`` starting at ``end`` (after a month)."""
    size = len(text)
    at = end
    while at < size and text[at].isspace():
        at += 1
    if at in (end, size) or not text[at].isdecimal():
        return None

    def closes(after: int) -> bool:  # an ordinal suffix or nothing, then a word boundary
        if lowered[after : after + 2] in _ORDINALS and (
            after + 2 == size or not _is_word(text[after + 2])
        ):
            return True
        return after == size or not _is_word(text[after])

    if text[at] in "0123" and at + 1 < size and text[at + 1].isdecimal() and closes(at + 2):
        return int(text[at : at + 2])
    if closes(at + 1):
        return int(text[at])
    return None
