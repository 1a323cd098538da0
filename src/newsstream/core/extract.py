"""Extraction of one article: language, entities, events and fingerprints.

``extract`` is the single entry point used by the stream worker and by
``newsstream replay``; it is pure and deterministic. Entities and events are found in
``title + "\\n" + body`` (``Entity.first_position`` is an offset into that text); the
title weighs most in salience.
"""

from __future__ import annotations

import re

from newsstream.core.entities import analyze_entities, document_text
from newsstream.core.events import analyze_events
from newsstream.core.extracted import Extraction
from newsstream.core.fingerprints import fingerprint
from newsstream.core.frequency import table
from newsstream.core.gazetteer import gazetteer
from newsstream.core.language import detect_language
from newsstream.core.sentences import segment
from newsstream.core.triggers import lexicon
from newsstream.models import Article

_FIRST_SENTENCE = re.compile(r"^(.{20,400}?[.!?])(?:\s|$)", re.DOTALL)


def lead_sentence(body: str, title: str) -> str:
    text = body.strip()
    match = _FIRST_SENTENCE.match(text)
    if match:
        return " ".join(match.group(1).split())
    return " ".join(text[:300].split()) or title


def warm_up() -> None:
    """Load lexicons and frequency tables now (about a second) instead of on first use."""
    gazetteer()
    for language in ("en", "de"):
        table(language)
        lexicon(language)


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
        fingerprint=fingerprint(article.title, article.body),
        lead=lead_sentence(article.body, article.title),
    )
