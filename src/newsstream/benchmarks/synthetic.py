"""Synthetic newsroom traffic for benchmarks: any number of ~3 KB articles.

Deterministic for a seed. English and German articles about many concurrent
stories (an executive leaves or joins a company, a club sacks its coach, a
company buys another), with follow-up updates, wire copies under other ids,
corrections (same id, newer ``updated_at``) and exact re-deliveries.
"""

from __future__ import annotations

import itertools
import random
from collections import deque
from collections.abc import Iterator
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
# Filler sentences are assembled word by word, so two articles share few shingles
# unless one copies the other (as real coverage of different stories does).
EN_SLOTS = (
    (
        "Analysts",
        "Investors",
        "Employees",
        "Regulators",
        "Customers",
        "Suppliers",
        "Bankers",
        "Observers",
        "Lawyers",
        "Managers",
    ),
    ("said", "noted", "argued", "warned", "expected", "doubted", "suggested", "stressed"),
    (
        "that the decision",
        "that the plan",
        "that the review",
        "that the dispute",
        "that the budget",
        "that the merger talk",
        "that the strategy",
        "that the new rule",
    ),
    ("would", "could", "might", "should", "was likely to", "was unlikely to"),
    ("affect", "reshape", "delay", "accelerate", "complicate", "simplify", "cloud"),
    (
        "the outlook",
        "hiring",
        "the product roadmap",
        "exports",
        "the share price",
        "supplier contracts",
        "the pension fund",
        "research spending",
    ),
    (
        "this year.",
        "next quarter.",
        "in the coming months.",
        "for some time.",
        "before the summer.",
        "by the end of the decade.",
    ),
)
DE_SLOTS = (
    (
        "Analysten",
        "Anleger",
        "Beschäftigte",
        "Aufseher",
        "Kunden",
        "Zulieferer",
        "Banker",
        "Beobachter",
        "Anwälte",
        "Manager",
    ),
    ("sagten,", "meinten,", "warnten,", "erwarteten,", "bezweifelten,", "betonten,"),
    (
        "die Entscheidung",
        "der Plan",
        "die Prüfung",
        "der Streit",
        "der Haushalt",
        "die Strategie",
        "die neue Regel",
        "das Sparprogramm",
    ),
    ("werde", "könne", "dürfte", "solle"),
    (
        "den Ausblick",
        "die Einstellungen",
        "die Produktplanung",
        "die Exporte",
        "den Aktienkurs",
        "die Lieferverträge",
        "die Pensionskasse",
        "die Forschungsausgaben",
    ),
    (
        "in diesem Jahr",
        "im nächsten Quartal",
        "in den kommenden Monaten",
        "noch lange",
        "vor dem Sommer",
    ),
    ("verändern.", "verzögern.", "beschleunigen.", "erschweren.", "vereinfachen.", "belasten."),
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


SYLLABLES = (
    "ka",
    "lor",
    "ven",
    "mi",
    "dra",
    "sel",
    "tho",
    "run",
    "bel",
    "quin",
    "sar",
    "dov",
    "lem",
    "rik",
    "nau",
    "fel",
    "gro",
    "pil",
    "tes",
    "wen",
)


def _coined(rng: random.Random, parts: int, used: set[str]) -> str:
    """A made-up proper name not in ``used`` (and then added to it), so that stories
    do not share names by accident: the stream's truth is one story per seed, and two
    seeds with the same invented surname or company name would be one story to any
    reader. Once the names of ``parts`` syllables run out, longer ones are coined."""
    while True:
        for _ in range(50):
            name = "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()
            if name not in used:
                used.add(name)
                return name
        parts += 1


def _story(rng: random.Random, index: int, used: set[str]) -> StorySeed:
    person = f"{rng.choice(FIRST)} {_coined(rng, 3, used)}"
    org = f"{_coined(rng, 2, used)} {rng.choice(ORG_STEM)} {rng.choice(ORG_KIND)}"
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
    slots = EN_SLOTS if lang == "en" else DE_SLOTS
    parts = [lead]
    while sum(len(p) + 1 for p in parts) < size:
        sentence = " ".join(rng.choice(options) for options in slots)
        if rng.random() < 0.3:
            surname = seed.person.split()[-1]
            sentence = sentence[:-1] + (
                f", according to {surname}." if lang == "en" else f", hieß es aus {seed.city}."
            )
        parts.append(sentence)
    return title, " ".join(parts)


def iter_articles(
    *,
    seed: int = 7,
    size: int = 3000,
    concurrent_stories: int = 200,
    start: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """An endless stream of article rows (dicts in the Article JSON shape), in order."""
    rng = random.Random(seed)
    now = start or datetime(2024, 3, 1, 6, 0, tzinfo=UTC)
    used: set[str] = set()
    stories = [_story(rng, i, used) for i in range(concurrent_stories)]
    next_story = concurrent_stories
    recent: deque[dict[str, Any]] = deque(maxlen=200)
    for i in itertools.count():
        now += timedelta(seconds=rng.randint(5, 40))
        roll = rng.random()
        row: dict[str, Any]
        if recent and roll < 0.04:  # exact re-delivery
            row = dict(rng.choice(recent))
        elif recent and roll < 0.08:  # correction: same id, new content, newer updated_at
            original = rng.choice(recent)
            row = dict(
                original, body=original["body"] + " (Corrected figure.)", updated_at=now.isoformat()
            )
        elif recent and roll < 0.16:  # wire copy under another id
            original = rng.choice(list(recent)[-100:])
            row = dict(
                original,
                id=f"b-{i:07d}",
                source=f"Outlet {rng.randint(1, 30)}",
                title=original["title"] + " (wire)",
                published_at=now.isoformat(),
            )
            row.pop("updated_at", None)
        else:
            if roll > 0.97:  # a story goes quiet, a new one begins
                stories[rng.randrange(len(stories))] = _story(rng, next_story, used)
                next_story += 1
            story = rng.choice(stories)
            lang = "de" if rng.random() < 0.4 else "en"
            title, body = _body(rng, story, lang, size)
            row = {
                "id": f"b-{i:07d}",
                "title": title,
                "body": body,
                "published_at": now.isoformat(),
                "source": f"Outlet {rng.randint(1, 30)}",
                "language": lang,
                "url": f"https://news.example/{story.key}/{i}",
            }
        recent.append(row)
        yield row


def generate_articles(count: int, **options: Any) -> list[dict[str, Any]]:
    """``count`` rows of ``iter_articles(**options)``."""
    return list(itertools.islice(iter_articles(**options), count))
