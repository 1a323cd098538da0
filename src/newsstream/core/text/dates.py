"""Date expressions in a sentence, resolved against the article's publication time.

Recognised (English and German, words from ``data/lexicons/dates.json``):

* ``17. November 2023``, ``am 17. November``, ``17.11.2023``, ``2023-11-17``;
* ``Nov. 20``, ``November 20, 2023``, ``20 November 2023``;
* weekdays (``Friday``, ``am Freitagabend``): the latest such day on or before the
  publication date, or the next one after "next" / "kommenden";
* ``yesterday`` / ``gestern``, ``today`` / ``heute``.

A date without a year takes the publication year, or the year before when that would put
it more than a week after publication. Results are midnight in the publication time zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import ahocorasick

from newsstream.core.text.lexicon import load_json

FUTURE_SLACK_DAYS = 7


@dataclass(frozen=True, slots=True)
class DateMention:
    """A resolved date and where it starts in the sentence (character offset)."""

    offset: int
    value: date
    ahead: date | None = None  # a date without a year before publication: the next one

    def future(self) -> date:
        """The date read as still to come ("will join on 1 November")."""
        return self.ahead or self.value


@dataclass(frozen=True, slots=True)
class _Patterns:
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, int]
    next_markers: frozenset[str]
    regex: re.Pattern[str]
    words: ahocorasick.Automaton  # every month, weekday and relative word of ``regex``


_DIGITS = re.compile(r"\d+")


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _patterns(language: str) -> _Patterns:
    data = load_json("dates.json")
    lang = language if language in data["months"] else "en"
    months = dict(data["months"][lang])
    weekdays = dict(data["weekdays"][lang])
    relative = dict(data["relative"][lang])
    suffixes = data["weekday_suffixes"][lang]
    month_words = [m.capitalize() for m in months]
    weekday_words = [w.capitalize() for w in weekdays] + list(weekdays)
    month = _alternation(month_words)
    weekday = _alternation(weekday_words)
    rel = _alternation(list(relative))
    suffix = _alternation(suffixes)
    words = ahocorasick.Automaton()
    for word in month_words + weekday_words + list(relative):
        words.add_word(word, word)
    words.make_automaton()
    regex = re.compile(
        rf"(?P<iso>\b(?P<iy>\d{{4}})-(?P<im>\d{{2}})-(?P<id>\d{{2}})\b)"
        rf"|(?P<num>\b(?P<nd>\d{{1,2}})\.(?P<nm>\d{{1,2}})\.(?P<ny>\d{{2,4}})\b)"
        rf"|(?P<dmy>\b(?P<d1>\d{{1,2}})(?:\.|st|nd|rd|th)?\s+(?P<m1>{month})\.?"
        rf"(?:\s*,?\s*(?P<y1>\d{{4}}))?)"
        rf"|(?P<mdy>\b(?P<m2>{month})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b"
        rf"(?:\s*,?\s*(?P<y2>\d{{4}}))?)"
        rf"|(?P<wd>\b(?P<wdname>{weekday})(?:-?(?:{suffix}))?\b)"
        rf"|(?P<rel>\b(?P<relname>{rel})\b)"
    )
    return _Patterns(
        months,
        weekdays,
        relative,
        frozenset(data["next_markers"][lang]),
        regex,
        words,
    )


def load_patterns(language: str) -> None:
    """Compile the date patterns of ``language`` now instead of on first use."""
    _patterns(language)


def _with_year(month: int, day: int, year: str | None, published: date) -> date | None:
    try:
        if year:
            return date(int(year) if len(year) == 4 else 2000 + int(year), month, day)
        value = date(published.year, month, day)
    except ValueError:
        return None
    if value > published + timedelta(days=FUTURE_SLACK_DAYS):
        try:
            value = date(published.year - 1, month, day)
        except ValueError:
            return None
    return value


def _weekday(text: str, start: int, name: str, p: _Patterns, published: date) -> date:
    target = p.weekdays[name.lower()]
    before = text[max(0, start - 12) : start].lower().split()
    if before and before[-1] in p.next_markers:
        ahead = (target - published.weekday()) % 7 or 7
        return published + timedelta(days=ahead)
    return published - timedelta(days=(published.weekday() - target) % 7)


def _resolve(match: re.Match[str], text: str, p: _Patterns, published: date) -> date | None:
    g = match.group
    kind = match.lastgroup  # the alternative that matched (it encloses the others)
    if kind == "iso":
        return _with_year(int(g("im")), int(g("id")), g("iy"), published)
    if kind == "num":
        return _with_year(int(g("nm")), int(g("nd")), g("ny"), published)
    if kind == "dmy":
        return _with_year(p.months[g("m1").lower()], int(g("d1")), g("y1"), published)
    if kind == "mdy":
        return _with_year(p.months[g("m2").lower()], int(g("d2")), g("y2"), published)
    if kind == "wd":
        return _weekday(text, match.start(), g("wdname"), p, published)
    return published + timedelta(days=p.relative[g("relname").lower()])


def _starts(text: str, p: _Patterns) -> list[int]:
    """Where a date may start: every alternative of ``regex`` opens with a digit (after a
    word boundary, so at the start of a run of digits) or with one of ``p.words``."""
    starts = {end - len(word) + 1 for end, word in p.words.iter(text)}
    starts.update(match.start() for match in _DIGITS.finditer(text))
    return sorted(starts)


def find_dates(text: str, language: str, published_at: datetime) -> list[DateMention]:
    """Date expressions in ``text`` (one sentence), resolved against ``published_at``.

    The same matches as ``regex.finditer(text)``, tried only where one may start.
    """
    patterns = _patterns(language)
    starts = _starts(text, patterns)
    if not starts:
        return []
    published = published_at.date()
    found = []
    end = 0
    match_at = patterns.regex.match
    for start in starts:
        if start < end:
            continue
        match = match_at(text, start)
        if match is None:
            continue
        end = match.end()
        value = _resolve(match, text, patterns, published)
        if value is not None:
            ahead = _ahead(match, value, published)
            found.append(DateMention(match.start(), value, ahead))
    return found


_YEAR_GROUPS = ("iy", "ny", "y1", "y2")


def _ahead(match: re.Match[str], value: date, published: date) -> date | None:
    """A day and month without a year that lie before publication: the next such day
    (what "will join on 1 January" means)."""
    if match.lastgroup in ("wd", "rel") or value >= published:
        return None
    groups = match.groupdict()
    if any(groups.get(k) for k in _YEAR_GROUPS) or match.lastgroup not in (
        "iso", "num", "dmy", "mdy"
    ):
        return None
    for year in (published.year, published.year + 1):
        try:
            candidate = value.replace(year=year)
        except ValueError:  # 29 February
            continue
        if candidate >= published:
            return candidate
    return None


def as_datetime(value: date, published_at: datetime) -> datetime:
    """``value`` at midnight in the time zone of ``published_at``."""
    return datetime.combine(value, time(0), tzinfo=published_at.tzinfo)
