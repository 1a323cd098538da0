"""Named entities (first version: capitalised spans, to be deepened).

Finds runs of capitalised tokens, drops sentence-initial single words and a stop
list, merges a surname into the full name seen earlier ("Altman" and the German
genitive "Altmans" into "Sam Altman"), and scores salience by position and count.
"""

from __future__ import annotations

import re
from collections import defaultdict

from newsstream.core.extracted import Entity

_TOKEN = re.compile(r"[A-ZÄÖÜ][\w\-]*(?:'s)?|[\w\-]+|[.!?]", re.UNICODE)
_STOP = frozenset(
    "The A An In On At For And But Or It He She They We This That His Her Their Its "
    "Der Die Das Den Dem Des Ein Eine Und Oder Aber Im Am Er Sie Es Wir Mit Von Nach "
    "Als Wie Auch Bei Für Auf Zu Mr Mrs Ms Dr Monday Tuesday Wednesday Thursday Friday "
    "Saturday Sunday Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag "
    "January February March April May June July August September October November December "
    "Januar Februar März Juni Juli Oktober Dezember CEO CTO".split()
)


def _spans(text: str) -> list[tuple[str, int, bool]]:
    """(span, char position, sentence_initial) for runs of capitalised tokens."""
    spans: list[tuple[str, int, bool]] = []
    run: list[str] = []
    run_start = 0
    run_initial = False
    sentence_start = True
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ".!?":
            if run:
                spans.append((" ".join(run), run_start, run_initial))
                run = []
            sentence_start = True
            continue
        if token[0].isupper() and token not in _STOP:
            if not run:
                run_start, run_initial = match.start(), sentence_start
            run.append(token.removesuffix("'s"))
        elif run:
            spans.append((" ".join(run), run_start, run_initial))
            run = []
        sentence_start = False
    if run:
        spans.append((" ".join(run), run_start, run_initial))
    return spans


def extract_entities(title: str, body: str) -> tuple[Entity, ...]:
    text = f"{title}.\n{body}"
    lead_end = len(title) + 300
    mentions: dict[str, list[int]] = defaultdict(list)
    for span, pos, initial in _spans(text):
        if initial and " " not in span:
            continue
        mentions[span].append(pos)
    canonical: dict[str, str] = {}
    names = sorted(mentions, key=lambda s: (-len(s.split()), s))
    for name in names:
        target = name
        for longer in names:
            if longer != name and " " in longer and (
                longer.endswith(" " + name) or longer.endswith(" " + name.rstrip("s"))
            ):
                target = canonical.get(longer, longer)
                break
        canonical[name] = target
    merged: dict[str, list[int]] = defaultdict(list)
    aliases: dict[str, set[str]] = defaultdict(set)
    for name, positions in mentions.items():
        merged[canonical[name]].extend(positions)
        if canonical[name] != name:
            aliases[canonical[name]].add(name)
    entities = []
    for name, positions in merged.items():
        first = min(positions)
        salience = len(positions) + (2.0 if first < lead_end else 0.0)
        kind = "PERSON" if len(name.split()) == 2 and name.split()[0].istitle() else "ORG"
        entities.append(
            Entity(name, kind, tuple(sorted(aliases[name])), len(positions), first, salience)
        )
    entities.sort(key=lambda e: (-e.salience, e.first_position, e.name))
    return tuple(entities)
