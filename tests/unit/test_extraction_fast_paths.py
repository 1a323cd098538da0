"""The fast paths of extraction give exactly what the plain definitions give.

Tokenising, sentence candidates, token offsets, fingerprint words, MinHash, keywords, date
finding and cue-word tests were rewritten for speed (see docs/evaluation.md, Extraction);
each property here compares one of them with its straightforward definition on random
text full of punctuation, digits, quotes and awkward Unicode.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from newsstream.core.entities.gazetteer import gazetteer
from newsstream.core.extraction import lead_sentence
from newsstream.core.text import dates, fingerprints, language, sentences

PIECES = [
    *"aAbBzZäÄßéÉ0129_ -'’.&@:/,;!?…\"“”„»«()[]\n\t\u00a0+#€",
    *["İ", "ǅ", "Ⅻ", "²", "١", "\u0301", "Σ", "ΑΣ.Β", "Ⓐ", "ﬃ", "K"],
    *["http://x.de/A_b", "www.", "U.S.", "Dr. ", "Nov. ", "17. November", "Microsoft"],
    *[" Friday", "Freitagabend", "gestern", "2023-11-17", "17.11.2023", "Sept. 4", "März"],
    *["Abcdefgh. ", "approxim. ", "„„„„„„Dr. ", "Betriebsratschefin", "Landesminister"],
]
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
EXAMPLES = settings(max_examples=300, deadline=None)
PUBLISHED = datetime(2023, 11, 20, 15, 0, tzinfo=UTC)


@EXAMPLES
@given(texts)
def test_tokenize_is_the_token_regex(text: str) -> None:
    assert sentences.tokenize(text) == sentences.TOKEN.findall(text)


@EXAMPLES
@given(texts)
def test_sentence_candidates_are_the_plain_pattern(text: str) -> None:
    plain = re.compile(r"[.!?…]+[\"'”“»«)\]]*(?=\s)|\n")
    expected = [m.span() for m in plain.finditer(text)]
    assert [m.span() for m in sentences._CANDIDATE.finditer(text)] == expected


@EXAMPLES
@given(texts)
def test_token_offsets(text: str) -> None:
    for sentence in sentences.segment(text):
        position = 0
        for i in reversed(range(len(sentence.tokens))):  # any order of first use
            sentence.offset(i)
        for i, token in enumerate(sentence.tokens):
            position = text.find(token, max(position, sentence.start))
            assert sentence.offset(i) == position
            position += len(token)


@EXAMPLES
@given(texts)
def test_fingerprint_words(text: str) -> None:
    expected = re.findall(r"\w+", text.lower())
    assert fingerprints.words(text) == expected
    assert fingerprints.document_words(text, sentences.segment(text)) == expected


@EXAMPLES
@given(texts)
def test_minhash_and_keywords(text: str) -> None:
    tokens = fingerprints.words(text) * 3
    grams = fingerprints.shingle_hashes(tokens)
    expected: tuple[int, ...] = ()
    if grams.size:
        sketch = fingerprints._TEMPLATE.copy()  # datasketch itself
        sketch.update_batch(grams.tolist())
        expected = tuple(sketch.hashvalues.tolist())
    assert fingerprints.minhash_signature(tokens) == expected
    counts = Counter(tokens)
    kept = [
        (t, n)
        for t, n in counts.items()
        if len(t) > 2 and t not in fingerprints._STOP and not t.isdigit()
    ]
    top = sorted(kept, key=lambda kv: (-kv[1], kv[0]))[: fingerprints.MAX_KEYWORDS]
    expected_keywords = {t: round(1.0 + math.log(n), 4) for t, n in top}
    assert list(fingerprints.keyword_vector(tokens).items()) == list(expected_keywords.items())


@EXAMPLES
@given(texts, st.sampled_from(["en", "de", "fr"]))
def test_dates_are_the_date_regex(text: str, code: str) -> None:
    patterns = dates._patterns(code)
    expected = []
    for match in patterns.regex.finditer(text):
        value = dates._resolve(match, text, patterns, PUBLISHED.date())
        if value is not None:
            expected.append((match.start(), value))
    found = dates.find_dates(text, code, PUBLISHED)
    assert [(d.offset, d.value) for d in found] == expected


@EXAMPLES
@given(texts)
def test_letter_runs(text: str) -> None:
    assert language._letter_runs(text) == re.findall(r"[^\W\d_]+", text)


@EXAMPLES
@given(st.lists(st.sampled_from(["Betriebs", "rats", "chef", "in", "Landes", "minister"])))
def test_role_compound(parts: list[str]) -> None:
    g = gazetteer()
    word = "".join(parts).capitalize()
    lower = word.lower()
    expected = (
        len(lower) >= 8
        and word[:1].isupper()
        and any(
            lower.endswith(role[0]) and len(lower) - len(role[0]) >= 4
            for role in g.roles
            if len(role) == 1 and len(role[0]) >= 5
        )
    )
    assert g.role_compound(word) == expected


LEAD_PIECES = ["ab ", "x" * 50, "y" * 150, ".", "!", "?", " ", "\n"]


@EXAMPLES
@given(st.lists(st.sampled_from(LEAD_PIECES), max_size=30))
def test_lead_sentence(parts: list[str]) -> None:
    body = "".join(parts)
    text = body.strip()
    match = re.match(r"^(.{20,400}?[.!?])(?:\s|$)", text, re.DOTALL)
    expected = " ".join((match.group(1) if match else text[:300]).split()) or "Title"
    assert lead_sentence(body, "Title") == expected
