"""Extraction of one article: language, entities, events and fingerprints.

``extract`` is the single entry point used by the stream worker and by
``newsstream replay``; it is pure and deterministic. Entities and events are found in
``title + "\\n" + body`` (``Entity.first_position`` is an offset into that text); the
title weighs most in salience.
"""

from __future__ import annotations

import re

from newsstream.core.entities.gazetteer import gazetteer
from newsstream.core.entities.merge import analyze_entities, document_text
from newsstream.core.events.finder import analyze_events
from newsstream.core.events.triggers import lexicon
from newsstream.core.extracted import Extraction
from newsstream.core.text.dates import load_patterns
from newsstream.core.text.fingerprints import document_words, fingerprint_of
from newsstream.core.text.frequency import table
from newsstream.core.text.language import detect_language, load_model
from newsstream.core.text.sentences import segment
from newsstream.models import Article

# The lead is ``^(.{20,400}?[.!?])(?:\s|$)`` (DOTALL): up to the first end mark at index
# 20 to 400 that white space or the end follows, found here by one search from index 20.
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def lead_sentence(body: str, title: str) -> str:
    text = body.strip()
    match = _SENTENCE_END.search(text, 20)
    if match and match.start() <= 400:
        return " ".join(text[: match.start() + 1].split())
    return " ".join(text[:300].split()) or title


def warm_up() -> None:
    """Load lexicons, frequency tables and the language model now (about a second)
    instead of on first use."""
    gazetteer()
    load_model()
    for language in ("en", "de"):
        table(language)
        lexicon(language)
        load_patterns(language)


def extract(article: Article) -> Extraction:
    text = document_text(article.title, article.body)
    language = detect_language(text, article.language)
    sentences = segment(text)
    title_sentences = max(1, sum(1 for s in sentences if s.start < len(article.title)))
    analysis = analyze_entities(sentences, language, title_sentences)
    events = analyze_events(
        sentences,
        analysis.mentions,
        analysis.entities,
        language,
        article.published_at,
        title_sentences,
    )
    return Extraction(
        language=language,
        entities=analysis.entities,
        events=events,
        fingerprint=fingerprint_of(document_words(text, sentences)),
        lead=lead_sentence(article.body, article.title),
    )
