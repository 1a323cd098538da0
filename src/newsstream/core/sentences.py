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
_CANDIDATE = re.compile(r"[.!?…]+[\"'”“»«)\]]*(?=\s)|\n")
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
        if not self.starts:
            position = 0
            text = self.text
            for token in self.tokens:
                position = text.find(token, position)
                self.starts.append(self.start + position)
                position += len(token)
        return self.starts[i]


def _previous_word(text: str, position: int) -> str:
    begin = max(text.rfind(" ", 0, position), text.rfind("\n", 0, position)) + 1
    return text[begin:position].strip("\"'“„(").lower()


def _next_word(text: str, position: int) -> str:
    match = _NEXT_WORD.match(text, position)
    return match.group(1) if match else ""


def _is_boundary(text: str, mark_start: int, mark_end: int) -> bool:
    following = _next_word(text, mark_end)
    if not following:
        return True
    if following[0].islower():
        return False
    if text[mark_start] != "." or text[mark_start:mark_end].startswith(".."):
        return True
    word = _previous_word(text, mark_start)
    if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
        return False
    if word in NUMBER_ABBREVIATIONS and following[:1].isdigit():
        return False
    return not (word.isdigit() and len(word) <= 2 and following.lower() in MONTH_WORDS)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the sentences of ``text``."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        if match.group() != "\n" and not _is_boundary(text, match.start(), match.end()):
            continue
        end = match.end()
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


def segment(text: str) -> list[Sentence]:
    """Sentences of ``text`` with their tokens (offsets are into ``text``)."""
    sentences: list[Sentence] = []
    for start, end in split_sentences(text):
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        stripped = chunk.strip()
        tokens = TOKEN.findall(stripped)
        lower = [t.lower() for t in tokens]
        sentences.append(Sentence(len(sentences), start + lead, end, stripped, tokens, lower))
    return sentences
