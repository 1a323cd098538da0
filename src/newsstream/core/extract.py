"""Extraction of one article: language, entities, events and fingerprints.

``extract`` is the single entry point used by the stream worker and by
``newsstream replay``; it is pure and deterministic.
"""

from __future__ import annotations

import re

from newsstream.core.entities import extract_entities
from newsstream.core.events import extract_events
from newsstream.core.extracted import Extraction
from newsstream.core.fingerprints import fingerprint
from newsstream.core.language import detect_language
from newsstream.models import Article

_FIRST_SENTENCE = re.compile(r"^(.{20,400}?[.!?])(?:\s|$)", re.DOTALL)


def lead_sentence(body: str, title: str) -> str:
    text = body.strip()
    match = _FIRST_SENTENCE.match(text)
    if match:
        return " ".join(match.group(1).split())
    return " ".join(text[:300].split()) or title


def extract(article: Article) -> Extraction:
    language = detect_language(f"{article.title}\n{article.body}", article.language)
    entities = extract_entities(article.title, article.body)
    events = extract_events(article.title, article.body, entities, article.published_at)
    return Extraction(
        language=language,
        entities=entities,
        events=events,
        fingerprint=fingerprint(article.title, article.body),
        lead=lead_sentence(article.body, article.title),
    )
