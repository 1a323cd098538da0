"""Event trigger lexicons (``data/lexicons/triggers_<lang>.json``) compiled and matched.

Pattern syntax (see the ``_comment`` of ``triggers_en.json``): words in sequence,
``a|b`` choices, ``word*`` prefixes, `` ... `` gaps within a clause, ``particle$`` at a
clause end (German separable verbs: "tritt Microsoft bei"), constraints ``@person``,
``@org``, ``@role``, ``@misc``, ``@orgnext``, ``@near``, ``@roleafter`` (a role follows:
"wird alleiniger Vorstandschef"), ``@before`` (the actor precedes the trigger) and
overrides ``>subj``, ``>obj``, ``>orgafter``. Vetoes are words right after or before a
trigger that make it a metaphor or another sense ("fired up", "launch a debate", "aus der
Haft entlassen").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from newsstream.core.text.lexicon import load_json
from newsstream.core.text.sentences import Sentence

MAX_GAP = 12
VETO_WINDOW = 4
CLAUSE_END = frozenset({",", ".", ";", ":", "!", "?", "–", "—", "-", ")", '"', "“", "”", "»"})
HARD_BREAK = frozenset({";", ":", "–", "—", ".", "!", "?"})
FUNCTION_WORDS = frozenset(
    """a an the his her its their our so no he she it was were to not will wo n't das es sich
    nicht auf für dafür dagegen darauf dazu einen einem einer keinen keine der die den dem
    ein eine""".split()
)
NOUN_ENDINGS = (
    "ung",
    "tritt",
    "kehr",
    "nahme",
    "wurf",
    "sturz",
    "kauf",
    "klage",
    "wahl",
    "gang",
    "schied",
    "tion",
    "sion",
    "ment",
    "rung",
    "fall",
    "tod",
    "sieg",
)
FOLLOWING_CONJUNCTIONS = frozenset({"und", "oder", "and", "or", "aber", "but", "sowie"})


@dataclass(frozen=True, slots=True)
class Slot:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    gap: bool
    final: bool

    def matches(self, word: str) -> bool:
        return word in self.words or (bool(self.prefixes) and word.startswith(self.prefixes))


@dataclass(frozen=True, slots=True)
class Trigger:
    """One compiled trigger pattern of an event type."""

    type: str
    pattern: str
    slots: tuple[Slot, ...]
    constraints: frozenset[str]
    actor_side: str
    needs: str
    org_after: bool


@dataclass(frozen=True, slots=True)
class Hit:
    """A trigger found in a sentence: token span and matched words."""

    trigger: Trigger
    first: int
    last: int
    words: tuple[str, ...]
    nominal: bool
    positions: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Compiled triggers of one language, indexed by their first word."""

    by_word: dict[str, tuple[Trigger, ...]]
    by_prefix: tuple[tuple[str, Trigger], ...]
    vetoes_after: dict[tuple[str, str], dict[str, tuple[tuple[str, ...], ...]]]
    vetoes_before: dict[tuple[str, str], dict[str, tuple[tuple[str, ...], ...]]]
    vocabulary: frozenset[str]


def _slot(text: str, gap: bool) -> Slot:
    final = text.endswith("$")
    choices = text.rstrip("$").split("|")
    words = frozenset(c for c in choices if not c.endswith("*"))
    prefixes = tuple(c[:-1] for c in choices if c.endswith("*"))
    return Slot(words, prefixes, gap, final)


def compile_trigger(kind: str, text: str, actor_side: str, needs: str) -> Trigger:
    """Parse one pattern string of the lexicon."""
    constraints: set[str] = set()
    slots: list[Slot] = []
    gap = False
    side = actor_side
    org_after = False
    for part in text.split():
        if part == "...":
            gap = True
        elif part.startswith("@"):
            constraints.add(part[1:])
        elif part in (">subj", ">obj"):
            side = "subject" if part == ">subj" else "object"
        elif part == ">orgafter":
            org_after = True
        else:
            slots.append(_slot(part, gap))
            gap = False
    return Trigger(kind, text, tuple(slots), frozenset(constraints), side, needs, org_after)


Vetoes = dict[tuple[str, str], dict[str, tuple[tuple[str, ...], ...]]]


def _vetoes(table: dict[str, list[str]], kind: str) -> Vetoes:
    """(type, trigger word) -> first word of a veto phrase -> the phrases."""
    result: Vetoes = {}
    for key, phrases in table.items():
        for variant in key.split("|"):
            index = result.setdefault((kind, variant), {})
            for phrase in phrases:
                words = tuple(phrase.split())
                index[words[0]] = (*index.get(words[0], ()), words)
    return result


@cache
def lexicon(language: str) -> Lexicon:
    """The compiled trigger lexicon of ``language`` (English for unsupported languages)."""
    name = "triggers_de.json" if language == "de" else "triggers_en.json"
    types = load_json(name)["types"]
    by_word: dict[str, list[Trigger]] = {}
    by_prefix: list[tuple[str, Trigger]] = []
    after: Vetoes = {}
    before: Vetoes = {}
    for kind, spec in types.items():
        for text in spec["triggers"]:
            trigger = compile_trigger(kind, text, spec["actor"], spec["needs"])
            first = trigger.slots[0]
            for word in first.words:
                by_word.setdefault(word, []).append(trigger)
            by_prefix.extend((prefix, trigger) for prefix in first.prefixes)
        after.update(_vetoes(spec.get("vetoes_after", {}), kind))
        before.update(_vetoes(spec.get("vetoes_before", {}), kind))
    return Lexicon(
        {k: tuple(v) for k, v in by_word.items()},
        tuple(by_prefix),
        after,
        before,
        frozenset(by_word),
    )


def _clause_final(lower: list[str], j: int) -> bool:
    return (
        j + 1 >= len(lower)
        or lower[j + 1] in CLAUSE_END
        or lower[j + 1] in (FOLLOWING_CONJUNCTIONS)
    )


def _match_from(trigger: Trigger, lower: list[str], start: int) -> list[int] | None:
    positions = [start]
    for slot in trigger.slots[1:]:
        j = positions[-1] + 1
        if not slot.gap:
            if j >= len(lower) or not slot.matches(lower[j]):
                return None
            if slot.final and not _clause_final(lower, j):
                return None
            positions.append(j)
            continue
        found = None
        while (
            j < len(lower)
            and j - positions[-1] <= MAX_GAP
            and (lower[j] not in HARD_BREAK or _ordinal_point(lower, j))
        ):
            if not slot.final and lower[j] == ",":
                break
            if slot.matches(lower[j]) and (not slot.final or _clause_final(lower, j)):
                found = j
                break
            j += 1
        if found is None:
            return None
        positions.append(found)
    return positions


def _ordinal_point(lower: list[str], j: int) -> bool:
    """The point of a German ordinal ends no clause ("zum 1. September")."""
    return lower[j] == "." and j > 0 and lower[j - 1].isdigit()


def _phrase_at(lower: list[str], start: int, phrase: tuple[str, ...]) -> bool:
    return tuple(lower[start : start + len(phrase)]) == phrase


def vetoed(lex: Lexicon, hit: Hit, lower: list[str]) -> bool:
    """Whether a veto phrase stands right after or before the trigger."""
    kind = hit.trigger.type
    for key in {hit.words[0], " ".join(hit.words)}:
        after = lex.vetoes_after.get((kind, key))
        if after:
            for j in range(hit.last + 1, min(len(lower), hit.last + 1 + VETO_WINDOW)):
                phrases = after.get(lower[j])
                if phrases and any(_phrase_at(lower, j, p) for p in phrases):
                    return True
        before = lex.vetoes_before.get((kind, key))
        if before:
            for j in range(max(0, hit.first - VETO_WINDOW - 2), hit.first):
                phrases = before.get(lower[j])
                if phrases and any(_before_veto(lower, j, p, hit.first) for p in phrases):
                    return True
    return False


def _before_veto(lower: list[str], j: int, phrase: tuple[str, ...], trigger: int) -> bool:
    """A veto phrase before the trigger; one made of function words only ("a resigned
    look") must stand right before it, a content word ("Urlaub", "Produktion") nearby."""
    if not _phrase_at(lower, j, phrase) or j + len(phrase) > trigger:
        return False
    adjacent = all(word in FUNCTION_WORDS for word in phrase)
    return j + len(phrase) == trigger or not adjacent


def _german_noun(sentence: Sentence, i: int) -> bool:
    """A capitalised German trigger is a noun, except a sentence-initial verb ("Entlassen
    wurde ...", "Angeführt wurde ..."); at the start, noun endings decide."""
    token = sentence.tokens[i]
    if not token[:1].isupper():
        return False
    initial = i == 0 or not any(t[:1].isalnum() for t in sentence.tokens[:i])
    return not initial or sentence.lower[i].endswith(NOUN_ENDINGS)


def _candidates(lex: Lexicon, word: str) -> tuple[Trigger, ...]:
    found = lex.by_word.get(word, ())
    if lex.by_prefix:
        extra = tuple(t for prefix, t in lex.by_prefix if word.startswith(prefix))
        found = found + extra if extra else found
    return found


def find_triggers(sentence: Sentence, language: str) -> list[Hit]:
    """Trigger matches in ``sentence`` that are not vetoed, longest first per position."""
    lex = lexicon(language)
    lower = sentence.lower
    vocabulary = lex.vocabulary
    if lex.by_prefix:
        starts: Iterable[int] = range(len(lower))
    elif vocabulary.isdisjoint(lower):
        return []
    else:
        starts = [i for i, w in enumerate(lower) if w in vocabulary]
    hits: list[Hit] = []
    by_word = lex.by_word
    for i in starts:
        word = lower[i]
        found: list[Hit] = []
        for trigger in _candidates(lex, word) if lex.by_prefix else by_word.get(word, ()):
            positions = _match_from(trigger, lower, i)
            if positions is None:
                continue
            words = tuple([lower[p] for p in positions])
            nominal = language == "de" and len(trigger.slots) == 1 and _german_noun(sentence, i)
            near = nominal or "near" in trigger.constraints
            hit = Hit(trigger, i, positions[-1], words, near, tuple(positions))
            if not vetoed(lex, hit, lower):
                found.append(hit)
        if len(found) > 1:
            found.sort(key=lambda h: -len(h.words))
        hits.extend(found)
    return hits
