"""The German seed article of the project (read from ../shared/seeds, never copied).

Its people and organisations must be found, no common German noun may come out as an
entity, and the firing and the Microsoft hire must be extracted as events.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsstream.core.extracted import Extraction
from newsstream.core.extraction import extract
from newsstream.models import Article

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED = REPO_ROOT.parent / "shared" / "seeds" / "altman-openai-microsoft.de.txt"

PEOPLE = (
    "Sam Altman",
    "Satya Nadella",
    "Greg Brockman",
    "Mira Murati",
    "Emmett Shear",
    "Elon Musk",
    "Szymon Sidor",
    "Jakub Pachocki",
    "Aleksander Madry",
)
ORGANISATIONS = ("OpenAI", "Microsoft", "Twitch", "GitHub", "LinkedIn", "Mojang Studios")
COMMON_NOUNS = frozenset(
    """
    Branche Vorstand Wochenende Unterstützung Mitarbeiter Nachricht Unternehmen Entscheidung
    Zukunft Gründer Erklärung Leistung Stelle Abteilung Wandel Nachrichten Stellen Rolle
    Schritt Moment Wachstum Organisation Menschen Erfolg Sorge Hintergrund Ernennung Gründe
    Zeit Welt Leute Kapital Rückkehr Leitung Vorstandsmitglieder Technologiesektor Netzwerk
    Partnerschaft Ankündigung Minute Stakeholder Entwickler Geschäftspartner Beziehung
    Fachwissen Gebiet Erfolgsbilanz Identitäten Integrationen Ansatz Team Talente Forscher
    Insider Gerüchte Zugeständnisse Koryphäen Seifenoper Gesichter Mittelpunkt Führung
    """.split()
)


@pytest.fixture(scope="module")
def seed() -> Extraction:
    if not SEED.exists():
        pytest.skip(f"seed article not available at {SEED} (shared/seeds is absent)")
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    article = Article(
        id="seed",
        title=title.strip(),
        body=body,
        published_at=datetime(2023, 11, 20, 12, 0, tzinfo=UTC),
    )
    return extract(article)


def test_language_is_german(seed: Extraction) -> None:
    assert seed.language == "de"


@pytest.mark.parametrize("name", PEOPLE)
def test_people_found(seed: Extraction, name: str) -> None:
    assert (name, "PERSON") in {(e.name, e.type) for e in seed.entities}


@pytest.mark.parametrize("name", ORGANISATIONS)
def test_organisations_found(seed: Extraction, name: str) -> None:
    assert (name, "ORG") in {(e.name, e.type) for e in seed.entities}


def test_no_common_noun_is_an_entity(seed: Extraction) -> None:
    words = set()
    for entity in seed.entities:
        for name in (entity.name, *entity.aliases):
            words.update(name.split())
    assert not words & COMMON_NOUNS, sorted(words & COMMON_NOUNS)


def test_altman_is_one_person_with_his_genitive(seed: Extraction) -> None:
    altman = [e for e in seed.entities if "Altman" in e.name]
    assert len(altman) == 1
    assert {"Altman", "Altmans"} <= set(altman[0].aliases)
    assert altman[0].salience == 1.0


def test_openai_spellings_are_one_organisation(seed: Extraction) -> None:
    openai = [e for e in seed.entities if e.name.lower() == "openai"]
    assert len(openai) == 1


def test_firing_and_microsoft_hire_are_events(seed: Extraction) -> None:
    found = {(e.type, e.organization) for e in seed.events if "Sam Altman" in e.actors}
    assert ("dismissal", "OpenAI") in found
    assert ("hiring", "Microsoft") in found
    dismissal = next(e for e in seed.events if e.type == "dismissal")
    assert dismissal.occurred_at is not None
    assert dismissal.occurred_at.date().isoformat() == "2023-11-17"
