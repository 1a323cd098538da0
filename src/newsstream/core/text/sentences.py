"""Sentence splitting and tokenisation with character offsets.

News text has abbreviations ("Nov.", "Dr.", "Inc."), German ordinal dates ("am 17.
November"), initials ("J. Smith") and headline lines without a full stop. A full stop
ends a sentence only when none of these explains it and the next word does not start in
lower case; a line break always ends one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_WORD = r"https?://\S+|www\.\S+|@\w+|(?:[A-Z]\.){2,}|\w+(?:[-'’.&]\w+)*|[^\w\s]"
TOKEN = re.compile(_WORD, re.UNICODE)
# A line break, or end punctuation with closing quotes or brackets before white space:
# ``[.!?…]+["'”“»«)\]]*(?=\s)|\n``, written to start with one character class so that the
# regex engine scans for candidates quickly.
_CANDIDATE = re.compile(r"[\n.!?…](?:(?<=\n)|[.!?…]*[\"'”“»«)\]]*(?=\s))")
_NEXT_WORD = re.compile(r"\s*[\"'“„(]*(\w+)")

ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen gov sen rep rev sgt lt col capt inc corp ltd co
    vs etc approx dept est ca bzw ggf evtl inkl zzgl usw vgl sog hr fr abs
    jan feb mar apr jun jul aug sep sept oct okt nov dec dez mio mrd bn mn tsd
    u.s a.m p.m e.g i.e z.b d.h u.a o.ä
    """.split()
)
NUMBER_ABBREVIATIONS = frozenset({"no", "nr", "vol", "fig", "art", "abs"})
# A word this long before a full stop is no abbreviation, initial or day number.
_LONG_WORD = max(3, *(len(w) for w in ABBREVIATIONS | NUMBER_ABBREVIATIONS)) + 1
MONTH_WORDS = frozenset(
    """
    january february march april may june july august september october november december
    januar jänner februar märz mai juni juli oktober dezember jan feb mär apr jun jul aug
    sep sept okt nov dez
    """.split()
)


@dataclass(slots=True)
class Sentence:
    """One sentence: its character span in the document and its tokens.

    Token offsets are computed on first use (``offset``): most tokens never need one.
    """

    index: int
    start: int
    end: int
    text: str
    tokens: list[str] = field(default_factory=list)
    lower: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)

    def offset(self, i: int) -> int:
        """Character offset of token ``i`` in the document."""
        if i < 0:
            i += len(self.tokens)
        starts = self.starts
        if i >= len(starts):  # locate tokens up to ``i`` (once; later calls reuse them)
            tokens = self.tokens
            text = self.text
            find = text.find
            done = len(starts)
            base = self.start
            position = starts[-1] - base + len(tokens[done - 1]) if done else 0
            for k in range(done, i + 1):
                token = tokens[k]
                position = find(token, position)
                starts.append(base + position)
                position += len(token)
        return starts[i]


def _previous_word(text: str, position: int) -> str:
    begin = max(text.rfind(" ", 0, position), text.rfind("\n", 0, position)) + 1
    return text[begin:position].strip("\"'“„(").lower()


def _next_word(text: str, position: int) -> str:
    match = _NEXT_WORD.match(text, position)
    return match.group(1) if match else ""


def _is_boundary(text: str, mark_start: int, mark_end: int) -> bool:
    following = None  # the next word, looked up only when needed
    head = text[mark_end + 1 : mark_end + 2] if text[mark_end : mark_end + 1] == " " else ""
    if not (head.isalpha() and head.isupper()):  # else: ". Next", the next word is capitalised
        following = _next_word(text, mark_end)
        if not following:
            return True
        if following[0].islower():
            return False
    if text[mark_start] != "." or text[mark_start:mark_end].startswith(".."):
        return True
    if mark_start >= _LONG_WORD and text[mark_start - _LONG_WORD : mark_start].isalnum():
        return True  # the word before the stop is long (its end is letters and digits)
    word = _previous_word(text, mark_start)
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    number = word.isdigit() and len(word) <= 2
    if not number and word not in NUMBER_ABBREVIATIONS:
        return True
    if following is None:
        following = _next_word(text, mark_end)
    if word in NUMBER_ABBREVIATIONS and following[:1].isdigit():
        return False
    return not (number and following.lower() in MONTH_WORDS)


def _chunks(text: str) -> list[tuple[int, str]]:
    """(start, text) of each sentence-sized chunk of ``text`` that is not blank."""
    chunks: list[tuple[int, str]] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        mark_start, end = match.span()
        if text[mark_start] != "\n" and not _is_boundary(text, mark_start, end):
            continue
        chunk = text[start:end]
        if chunk and not chunk.isspace():
            chunks.append((start, chunk))
        start = end
    chunk = text[start:]
    if chunk and not chunk.isspace():
        chunks.append((start, chunk))
    return chunks


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the sentences of ``text``."""
    return [(start, start + len(chunk)) for start, chunk in _chunks(text)]


def tokenize(text: str) -> list[str]:
    """``TOKEN.findall(text)``, faster: no token holds white space, so each whitespace-
    separated piece is tokenised on its own, and a plain word (letters and digits only,
    which is exactly what ``\\w`` matches minus "_"), possibly with one punctuation mark
    after it, needs no regex."""
    tokens: list[str] = []
    append = tokens.append
    findall = TOKEN.findall
    for piece in text.split():
        if piece.isalnum():
            append(piece)
            continue
        last = piece[-1]
        if len(piece) > 1 and piece[:-1].isalnum() and not last.isalnum() and last != "_":
            append(piece[:-1])
            append(last)
        else:
            tokens.extend(findall(piece))
    return tokens


def segment(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their tokens (offsets are into ``text``)."""
    sentences: list[Sentence] = []
    lower = str.lower
    for start, chunk in _chunks(text):
        stripped = chunk.strip()
        lead = chunk.find(stripped[0])
        tokens = tokenize(stripped)
        sentences.append(
            Sentence(
                len(sentences),
                start + lead,
                start + len(chunk),
                stripped,
                tokens,
                list(map(lower, tokens)),
            )
        )
    return sentences
