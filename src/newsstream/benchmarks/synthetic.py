"""Synthetic newsroom traffic for benchmarks: any number of ~3 KB articles.

Deterministic for a seed. English and German articles about many concurrent
stories (an executive leaves or joins a company, a club sacks its coach, a
company buys another), with follow-up updates, wire copies under other ids,
corrections (same id, newer ``updated_at``) and exact re-deliveries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

FIRST = (
    "Anna",
    "Jonas",
    "Miriam",
    "Felix",
    "Sofia",
    "Daniel",
    "Clara",
    "Lukas",
    "Nora",
    "Elias",
    "Hannah",
    "Tobias",
    "Lea",
    "Martin",
    "Julia",
    "Samuel",
    "Greta",
    "Oskar",
)
LAST = (
    "Albrecht",
    "Brenner",
    "Castell",
    "Dorn",
    "Ehrlich",
    "Falkner",
    "Gerlach",
    "Hartung",
    "Iversen",
    "Jansen",
    "Kessler",
    "Lorenz",
    "Marquardt",
    "Neumeier",
    "Oberle",
    "Pfister",
    "Quandt",
    "Roth",
    "Seidel",
    "Thalberg",
    "Ulrich",
    "Voss",
    "Winter",
    "Zeller",
)
ORG_STEM = (
    "Nordlicht",
    "Bergwerk",
    "Silberfluss",
    "Eichenhain",
    "Sternwarte",
    "Kranich",
    "Falkenstein",
    "Lindenhof",
    "Morgenrot",
    "Seeblick",
    "Tannenberg",
    "Wolkenkuppe",
)
ORG_KIND = (
    "Logistik AG",
    "Systems",
    "Energie SE",
    "Robotics",
    "Bank",
    "Pharma GmbH",
    "Software",
    "Motors",
    "Media Group",
    "Airlines",
)
CITY = ("Hamburg", "Munich", "Berlin", "Vienna", "Zurich", "Cologne", "Leipzig", "Frankfurt")

EN_LEAD = {
    "dismissal": "The board of {org} fired chief executive {person} on {day}, ending a tense "
    "month at the {city}-based company.",
    "appointment": "{org} appointed {person} as chief executive on {day}, the company said "
    "in {city}.",
    "acquisition": "{org} agreed on {day} to acquire a smaller rival, chief executive {person} "
    "told analysts in {city}.",
}
DE_LEAD = {
    "dismissal": "Der Aufsichtsrat von {org} hat Vorstandschef {person} am {day} entlassen, "
    "wie das Unternehmen in {city} mitteilte.",
    "appointment": "{org} hat {person} am {day} zur neuen Vorstandsspitze ernannt, teilte "
    "das Unternehmen in {city} mit.",
    "acquisition": "{org} übernimmt einen kleineren Konkurrenten, sagte Vorstandschef "
    "{person} am {day} in {city}.",
}
EN_FILL = (
    "Analysts said the decision had been expected for several weeks.",
    "Shares moved sharply in early trading before settling later in the day.",
    "Employees were informed in a short internal message on the same afternoon.",
    "The company declined to give further details about the timing.",
    "Several investors had pushed for changes since the last annual meeting.",
    "A spokesperson said the strategy would not change in the coming quarters.",
    "Industry observers pointed to slowing growth in the core business.",
    "Union representatives asked for talks about the consequences for staff.",
    "The supervisory board is expected to meet again next week.",
    "Competitors reacted cautiously and did not comment on the move.",
)
DE_FILL = (
    "Beobachter hatten mit dem Schritt bereits seit Wochen gerechnet.",
    "Die Aktie reagierte im frühen Handel deutlich und erholte sich später.",
    "Die Belegschaft wurde am Nachmittag in einer kurzen Mitteilung informiert.",
    "Weitere Einzelheiten zum Zeitplan nannte das Unternehmen nicht.",
    "Mehrere Investoren hatten seit der letzten Hauptversammlung Veränderungen gefordert.",
    "Ein Sprecher sagte, die Strategie werde in den kommenden Quartalen beibehalten.",
    "Branchenkenner verwiesen auf das schwächere Wachstum im Kerngeschäft.",
    "Die Gewerkschaft forderte Gespräche über die Folgen für die Beschäftigten.",
    "Der Aufsichtsrat soll in der kommenden Woche erneut zusammentreten.",
    "Wettbewerber äußerten sich zurückhaltend zu dem Vorgang.",
)
EN_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
DE_DAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag")


@dataclass(frozen=True, slots=True)
class StorySeed:
    key: str
    person: str
    org: str
    city: str
    kind: str


def _story(rng: random.Random, index: int) -> StorySeed:
    person = f"{rng.choice(FIRST)} {rng.choice(LAST)}-{index % 97}"
    org = f"{rng.choice(ORG_STEM)} {index} {rng.choice(ORG_KIND)}"
    return StorySeed(
        f"s{index}",
        person,
        org,
        rng.choice(CITY),
        rng.choice(("dismissal", "appointment", "acquisition")),
    )


def _body(rng: random.Random, seed: StorySeed, lang: str, size: int) -> tuple[str, str]:
    days = EN_DAYS if lang == "en" else DE_DAYS
    lead = (EN_LEAD if lang == "en" else DE_LEAD)[seed.kind].format(
        org=seed.org, person=seed.person, city=seed.city, day=rng.choice(days)
    )
    title = (
        f"{seed.org}: {seed.person} in the spotlight"
        if lang == "en"
        else f"{seed.org}: Wirbel um {seed.person}"
    )
    fill = EN_FILL if lang == "en" else DE_FILL
    parts = [lead]
    while sum(len(p) + 1 for p in parts) < size:
        sentence = rng.choice(fill)
        if rng.random() < 0.3:
            sentence = sentence.replace(
                ".",
                f", according to {seed.person.split()[0]}."
                if lang == "en"
                else f", hieß es aus {seed.city}.",
            )
        parts.append(sentence)
    return title, " ".join(parts)


def generate_articles(
    count: int,
    *,
    seed: int = 7,
    size: int = 3000,
    concurrent_stories: int = 200,
    start: datetime | None = None,
) -> list[dict[str, Any]]:
    """``count`` article rows (dicts in the Article JSON shape), in publication order."""
    rng = random.Random(seed)
    now = start or datetime(2024, 3, 1, 6, 0, tzinfo=UTC)
    stories = [_story(rng, i) for i in range(concurrent_stories)]
    next_story = concurrent_stories
    rows: list[dict[str, Any]] = []
    for i in range(count):
        now += timedelta(seconds=rng.randint(5, 40))
        roll = rng.random()
        if rows and roll < 0.04:  # exact re-delivery
            rows.append(dict(rng.choice(rows[-200:])))
            continue
        if rows and roll < 0.08:  # correction: same id, new content, newer updated_at
            original = rng.choice(rows[-200:])
            fixed = dict(
                original, body=original["body"] + " (Corrected figure.)", updated_at=now.isoformat()
            )
            rows.append(fixed)
            continue
        if rows and roll < 0.16:  # wire copy under another id
            original = rng.choice(rows[-100:])
            copy = dict(
                original,
                id=f"b-{i:07d}",
                source=f"Outlet {rng.randint(1, 30)}",
                title=original["title"] + " (wire)",
                published_at=now.isoformat(),
            )
            copy.pop("updated_at", None)
            rows.append(copy)
            continue
        if roll > 0.97:  # a story goes quiet, a new one begins
            stories[rng.randrange(len(stories))] = _story(rng, next_story)
            next_story += 1
        story = rng.choice(stories)
        lang = "de" if rng.random() < 0.4 else "en"
        title, body = _body(rng, story, lang, size)
        rows.append(
            {
                "id": f"b-{i:07d}",
                "title": title,
                "body": body,
                "published_at": now.isoformat(),
                "source": f"Outlet {rng.randint(1, 30)}",
                "language": lang,
                "url": f"https://news.example/{story.key}/{i}",
            }
        )
    return rows
