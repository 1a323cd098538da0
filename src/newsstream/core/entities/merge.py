"""Named entities of one article: mentions merged into PERSON / ORG / LOC / MISC entities.

``mentions`` finds name occurrences; this module decides which occurrences name the same
entity and how prominent it is:

* a surname ("Altman"), its German genitive ("Altmans") or English possessive, and a
  given name used alone ("Sam") join the full name introduced in the article
  ("Sam Altman"); a widely known surname joins its gazetteer entry ("Merkel");
* organisations merge case-insensitively ("OpenAI" / "openai") and by gazetteer alias;
* an untyped single word takes the type it has elsewhere in the article; otherwise, in
  English, a rare word becomes an ORG (companies are the commonest unknown single names
  once people have been joined to their full names) and any other a MISC; in German it is
  dropped (capitals there are mostly nouns). A lone given name is dropped;
* a known place keeps the article's spelling as its name ("Deutschland"), with the
  gazetteer's English name among its aliases;
* salience: each mention weighs 3 in the title, 2 in the lead sentence and 1 elsewhere;
  the sum is scaled so that the most salient entity of the article scores 1.0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from newsstream.core.entities.gazetteer import gazetteer
from newsstream.core.entities.mentions import Mention, MentionFinder
from newsstream.core.extracted import Entity
from newsstream.core.text.frequency import zipf
from newsstream.core.text.sentences import Sentence, segment

RARE_WORD = 2.0
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
BODY_WEIGHT = 1.0


@dataclass(slots=True)
class _Group:
    type: str
    names: dict[str, int] = field(default_factory=dict)  # name -> mentions using it
    canonical: str | None = None
    mentions: list[Mention] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class EntityAnalysis:
    """Entities of a document plus its resolved mentions (canonical name and type set)."""

    entities: tuple[Entity, ...]
    mentions: tuple[Mention, ...]


def _distinctive(words: list[str]) -> str:
    """The word a short mention of a multi-word organisation uses: "Brightwater" for
    "Brightwater Analytics", "Wiesenau" for "Eintracht Wiesenau"."""
    g = gazetteer()
    return words[1] if g.is_org_prefix(words[0]) and len(words) == 2 else words[0]


def _variants(text: str, language: str) -> list[str]:
    variants = [text]
    if language == "de" and text.endswith("s") and len(text) > 3:
        variants.append(text[:-1])
    return variants


class _Resolver:
    def __init__(self, mentions: list[Mention], language: str) -> None:
        self.language = language
        self.mentions = mentions
        self.groups: dict[tuple[str, str], _Group] = {}
        self.surnames: dict[str, tuple[str, str]] = {}
        self.given: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self.types: dict[str, str] = {}
        self.short_orgs: dict[str, tuple[str, str]] = {}
        self.last_words: dict[str, tuple[str, str] | None] = {}  # None: two organisations

    def _key(self, kind: str, name: str) -> tuple[str, str]:
        if kind == "ORG":
            words = name.split()
            suffixes = gazetteer().org_suffixes
            while len(words) > 1 and words[-1] in suffixes:
                words.pop()
            return (kind, " ".join(words).lower())
        return (kind, name.lower())

    def _add(self, key: tuple[str, str], mention: Mention, canonical: str | None) -> None:
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(key[0])
        group.mentions.append(mention)
        names = group.names
        names[mention.text] = names.get(mention.text, 0) + 1
        if canonical:
            group.canonical = canonical
        mention.type = key[0]

    def resolve(self) -> None:
        singles: list[Mention] = []
        for mention in self.mentions:
            if mention.canonical:
                self._add(
                    self._key(mention.type or "MISC", mention.canonical), mention, mention.canonical
                )
            elif mention.type == "PERSON" and " " in mention.text:
                self._add_person(mention)
            elif mention.type is not None and " " in mention.text:
                self._add(self._key(mention.type, mention.text), mention, None)
            else:
                singles.append(mention)
        self._index_people()
        for mention in singles:
            if mention.type is not None:
                self.types.setdefault(mention.text.lower(), mention.type)
        for mention in singles:
            self._add_single(mention)
        self._fold_short_orgs()

    def _fold_short_orgs(self) -> None:
        """A multi-word organisation that opens a longer one of the article is its short
        form: "Fiat Chrysler" for "Fiat Chrysler Automobiles"."""
        orgs = [k for k, g in self.groups.items() if k[0] == "ORG" and " " in k[1]]
        if len(orgs) < 2:
            return
        for key in orgs:
            longer = [k for k in orgs if k != key and k[1].startswith(key[1] + " ")]
            if len(longer) != 1 or self.groups[key].canonical:
                continue
            short = self.groups.pop(key)
            target = self.groups[longer[0]]
            target.mentions.extend(short.mentions)
            for name, count in short.names.items():
                target.names[name] = target.names.get(name, 0) + count

    def _add_person(self, mention: Mention) -> None:
        full = mention.text
        ending = " " + full.lower()
        for (kind, name), group in self.groups.items():
            if kind == "PERSON" and name.endswith(ending):
                self._add((kind, name), mention, group.canonical)
                return
        self._add(self._key("PERSON", full), mention, None)

    def _index_people(self) -> None:
        for key, group in self.groups.items():
            for name in group.names:
                words = name.split()
                if len(words) < 2:
                    continue
                if key[0] == "PERSON":
                    self.surnames.setdefault(words[-1], key)
                    self.given[words[0]].add(key)
                elif key[0] == "ORG" and group.canonical is None:
                    self.short_orgs.setdefault(_distinctive(words), key)
                    last = words[-1]  # "the Hawks" for "Harrowgate Hawks"
                    if last not in gazetteer().org_suffixes:
                        seen = self.last_words.get(last, key)
                        self.last_words[last] = key if seen == key else None

    def _add_single(self, mention: Mention) -> None:
        for variant in _variants(mention.text, self.language):
            key = None if mention.described else self.surnames.get(variant)
            if key is None and len(self.given.get(variant, ())) == 1:
                key = next(iter(self.given[variant]))
            if key is None and mention.type in (None, "ORG"):
                key = self.short_orgs.get(variant) or self.last_words.get(variant)
            if key is not None:
                self._add(key, mention, None)
                return
            known = gazetteer().surnames.get(variant)
            if known is not None and mention.type in (None, "PERSON"):
                self._add(self._key("PERSON", known.canonical), mention, known.canonical)
                return
        kind = mention.type or self.types.get(mention.text.lower())
        if kind is None and mention.text in gazetteer().first_names:
            return
        if kind is None:
            if self.language == "de":
                return
            kind = "ORG" if zipf(mention.text, self.language) < RARE_WORD else "MISC"
        self._add(self._key(kind, mention.text), mention, None)

    def groups_in_order(self) -> list[_Group]:
        return list(self.groups.values())


def _without_genitive(names: dict[str, int]) -> dict[str, int]:
    """German place names without a genitive -s ("Mittelhessens" -> "Mittelhessen")."""
    result: dict[str, int] = {}
    for name, count in names.items():
        if name.endswith("s") and not name.endswith("ss"):
            entry = gazetteer().lookup([name[:-1]], 0, "de")
            if entry is not None and entry.type == "LOC":
                name = name[:-1]
        result[name] = result.get(name, 0) + count
    return result


def _with_suffix(canonical: str, names: dict[str, int]) -> str:
    """A known organisation keeps the legal suffix the article writes ("Anthropic PBC")."""
    suffixes = gazetteer().org_suffixes
    for name in names:
        head, _, last = name.rpartition(" ")
        if last in suffixes and head.lower() == canonical.lower():
            return f"{canonical} {last}"
    return canonical


def _canonical(group: _Group, german: bool = False) -> str:
    """The fullest name used; a known place keeps the article's spelling ("Deutschland")."""
    if group.canonical and group.type == "ORG":
        return _with_suffix(group.canonical, group.names)
    if group.canonical and group.type != "LOC":
        return group.canonical
    names = group.names
    if german and group.type == "LOC" and group.canonical:
        names = _without_genitive(names)
    if len(names) == 1:
        return next(iter(names))
    return max(names, key=lambda n: (len(n.split()), names[n], len(n), n))


def _weight(mention: Mention, title_sentences: int, lead_sentence: int) -> float:
    if mention.sentence < title_sentences:
        return TITLE_WEIGHT
    return LEAD_WEIGHT if mention.sentence <= lead_sentence else BODY_WEIGHT


def analyze_entities(
    sentences: list[Sentence], language: str, title_sentences: int = 1
) -> EntityAnalysis:
    """Entities (ranked by salience) and resolved mentions of segmented text."""
    found = MentionFinder(sentences, language, title_sentences).find()
    resolver = _Resolver(found, language)
    resolver.resolve()
    lead = title_sentences
    scored: list[tuple[float, str, str, tuple[str, ...], int, int]] = []
    kept: list[Mention] = []
    for group in resolver.groups_in_order():
        name = _canonical(group, language == "de")
        mentions = group.mentions
        weight = 0.0
        earliest = mentions[0]
        for m in mentions:
            weight += _weight(m, title_sentences, lead)
            if (m.sentence, m.first) < (earliest.sentence, earliest.first):
                earliest = m
            m.canonical = name
        names = set(group.names)
        if group.canonical:
            names.add(group.canonical)
        names.discard(name)
        first = sentences[earliest.sentence].offset(earliest.first)
        kept.extend(mentions)
        scored.append((weight, name, group.type, tuple(sorted(names)), len(mentions), first))
    top = max((w for w, *_ in scored), default=1.0) or 1.0
    entities = [
        Entity(name, kind, aliases, count, first, round(w / top, 4))
        for w, name, kind, aliases, count, first in scored
    ]
    entities.sort(key=lambda e: (-e.salience, e.first_position, e.name))
    kept.sort(key=lambda m: (m.sentence, m.first))
    return EntityAnalysis(tuple(entities), tuple(kept))


def document_text(title: str, body: str) -> str:
    """The text entities are found in; ``first_position`` is an offset into it."""
    return f"{title}\n{body}" if body else title


def extract_entities(title: str, body: str, language: str = "en") -> tuple[Entity, ...]:
    """Entities of an article (title and body), ranked by salience."""
    sentences = segment(document_text(title, body))
    title_sentences = sum(1 for s in sentences if s.start < len(title))
    return analyze_entities(sentences, language, max(title_sentences, 1)).entities
