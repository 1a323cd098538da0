"""Known names and cue words: organisations, places, people, products, given names, roles.

All lists are data files under ``newsstream/data/lexicons``. Matching works on tokens
(the tokeniser of ``sentences``) and prefers the longest entry. Case rules: an entry
matches its exact spelling; a differently cased token matches too ("openai") unless the
entry is all capitals ("US" must not match "us"), marked ambiguous with ``~``, or the
lower-cased token is an ordinary word of the language ("apple").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from newsstream.core.text.frequency import zipf
from newsstream.core.text.lexicon import load_aliases, load_json, load_mapping, load_words
from newsstream.core.text.sentences import TOKEN

_TABLES = (
    ("organizations.tsv", "ORG"),
    ("places.tsv", "LOC"),
    ("people.tsv", "PERSON"),
    ("products.tsv", "MISC"),
)
COMMON_ZIPF = 3.0
POSSESSIVE = ("'s", "’s", "'", "’")
GENITIVE_ES_AFTER = ("g", "t", "d", "k", "f", "b", "p", "ch")  # "Bundestag" -> "Bundestages"


@dataclass(frozen=True, slots=True)
class Entry:
    """One spelling of a known name."""

    canonical: str
    type: str
    words: tuple[str, ...]
    ambiguous: bool = False


def strip_possessive(token: str) -> str:
    """``Altman's`` -> ``Altman`` (English possessive)."""
    if "'" not in token and "’" not in token:
        return token
    for ending in POSSESSIVE:
        if token.endswith(ending) and len(token) > len(ending) + 1:
            return token[: -len(ending)]
    return token


def _word_matches(token: str, word: str, ambiguous: bool, language: str) -> bool:
    if token == word:
        return True
    if ambiguous or word.isupper() or token.lower() != word.lower():
        return False
    return token[:1].isupper() or zipf(token, language) < COMMON_ZIPF


class Gazetteer:
    """Longest-match lookup of known names plus the cue word lists."""

    def __init__(self) -> None:
        self.by_first: dict[str, list[Entry]] = {}
        self.surnames: dict[str, Entry] = {}
        for filename, kind in _TABLES:
            for canonical, aliases in load_aliases(filename):
                if "~" + canonical not in aliases:
                    self._add(canonical, canonical, kind, ambiguous=False)
                for alias in aliases:
                    ambiguous = alias.startswith("~")
                    self._add(alias.lstrip("~"), canonical, kind, ambiguous)
        self._add_genitives()
        for entries in self.by_first.values():
            entries.sort(key=lambda e: -len(e.words))
        self.lower_keys = frozenset(
            key
            for key, entries in self.by_first.items()
            if zipf(key, "en") < COMMON_ZIPF
            and zipf(key, "de") < COMMON_ZIPF
            and any(not e.ambiguous and not e.words[0].isupper() for e in entries)
        )
        self.first_names = load_words("first_names.txt")
        self.roles = {tuple(k.split()): v for k, v in load_mapping("roles.tsv").items()}
        self.role_words = frozenset(k[0] for k in self.roles)
        self.role_last_words = frozenset(k[-1] for k in self.roles if len(k) > 1)
        self.compound_roles = frozenset(k[0] for k in self.roles if len(k) == 1 and len(k[0]) >= 5)
        markers = load_json("org_markers.json")
        self.org_suffixes = frozenset(markers["suffixes"])
        self.org_heads = frozenset(markers["heads"])
        self.of_heads = frozenset(markers["of_heads"])
        self.org_context = frozenset(markers["context"])
        self.org_prefixes = frozenset(markers["prefixes"])
        self.person_titles = frozenset(
            t
            for name in ("grammar_en.json", "grammar_de.json")
            for t in load_json(name)["person_titles"]
        )
        self.prefix_endings = tuple(markers["prefix_endings"])
        self.context_endings = tuple(markers["context_endings"])
        self.bare_endings = frozenset(self.context_endings) - self.org_context
        self.authorities = frozenset(markers["authorities"])
        self.authority_endings = tuple(markers["authority_endings"])
        self.head_endings = tuple(markers["head_endings"])
        self.region_tails = frozenset(markers["region_tails"])
        self.court_endings = tuple(markers["courts"])

    def _add_genitives(self) -> None:
        """German genitive in -es of one-word names ("des Bundestages"): the form is a key
        of the same entries (``_matches`` accepts it in German)."""
        for key, entries in list(self.by_first.items()):
            if not key.endswith(GENITIVE_ES_AFTER) or key + "es" in self.by_first:
                continue
            single = [e for e in entries if len(e.words) == 1 and e.type in ("ORG", "LOC")]
            if single and not any(e.words[0].isupper() for e in single):
                self.by_first[key + "es"] = single

    def _add(self, surface: str, canonical: str, kind: str, ambiguous: bool) -> None:
        words = tuple(TOKEN.findall(surface))
        if not words:
            return
        entry = Entry(canonical, kind, words, ambiguous)
        self.by_first.setdefault(words[0].lower(), []).append(entry)
        if kind == "PERSON" and len(words) > 1 and not ambiguous:
            self.surnames.setdefault(words[-1], entry)

    def candidates(self, token: str, language: str) -> list[Entry] | None:
        """The entries that may start at ``token``, longest first."""
        first = strip_possessive(token)
        found = self.by_first.get(first.lower())
        if found is None and language == "de" and first.endswith("s"):
            found = self.by_first.get(first[:-1].lower())
        return found

    def lookup(self, tokens: list[str], i: int, language: str) -> Entry | None:
        """The longest entry starting at ``tokens[i]`` (possessive endings ignored)."""
        candidates = self.candidates(tokens[i], language)
        if not candidates:
            return None
        for entry in candidates:
            if self._matches(entry, tokens, i, language):
                return entry
        return None

    def _matches(self, entry: Entry, tokens: list[str], i: int, language: str) -> bool:
        words = entry.words
        size = len(words)
        if i + size > len(tokens):
            return False
        ambiguous = entry.ambiguous
        for offset in range(size - 1):
            token = tokens[i + offset]
            word = words[offset]
            if token != word and not _word_matches(token, word, ambiguous, language):
                return False
        token = strip_possessive(tokens[i + size - 1])  # the last word
        word = words[-1]
        if token == word:
            return True
        if language == "de" and token[:-1] == word and token[-1] == "s":
            return True  # German genitive ("Microsofts")
        if language == "de" and size == 1 and token[:-2] == word and token.endswith("es"):
            return True  # "des Bundestages"
        return _word_matches(token, word, ambiguous, language)

    def role_at(self, lower: list[str], i: int) -> tuple[str, int] | None:
        """(canonical role, length in tokens) of a role phrase starting at ``lower[i]``."""
        if lower[i] not in self.role_words:
            return None
        for size in (4, 3, 2, 1):
            role = self.roles.get(tuple(lower[i : i + size]))
            if role is not None:
                return role, size
        return None

    def role_of_word(self, word: str) -> str | None:
        return self.roles.get((word.lower(),))

    @lru_cache(maxsize=1 << 15)  # noqa: B019 - one instance per process
    def role_compound(self, word: str) -> bool:
        """A German compound ending in a role word ("Betriebsratschefin", "Landesminister")."""
        lower = word.lower()
        if len(lower) < 8 or not word[:1].isupper():
            return False
        # a one-word role of 5+ letters after at least 4 others
        heads = self.compound_roles
        return any(lower[cut:] in heads for cut in range(4, len(lower) - 4))

    @lru_cache(maxsize=1 << 15)  # noqa: B019 - one instance per process
    def is_descriptor(self, word: str) -> bool:
        """An organisation descriptor ("company", "Softwarekonzern", "Robotik-Start-up")."""
        lower = word.lower()
        if lower in self.org_context:
            return True
        # an ending alone is an ordinary noun ("Tochter"); a compound is a descriptor
        # ("Softwaretochter", "KI-Start-up", "Flugtaxi-Entwickler")
        return (
            len(lower) > 6
            and lower.endswith(self.context_endings)
            and lower not in self.bare_endings
        )

    def is_org_head(self, word: str, language: str) -> bool:
        """A word that ends an organisation name after a name ("Studios", "Maschinenbau");
        in German also a compound ending in such a word ("Privatbank", "Agrartechnik")."""
        if word in self.org_heads:
            return True
        if language != "de" or not word[:1].isupper() or "-" in word:
            return False
        lower = word.lower()
        return lower.endswith(self.head_endings) and any(
            lower.endswith(e) and len(lower) >= len(e) + 4 for e in self.head_endings
        )

    def is_court(self, name: str) -> bool:
        """A court ("Landgericht München", "Southwark Crown Court"): it hears a case."""
        return any(w.lower().endswith(self.court_endings) for w in name.split())

    def is_authority(self, name: str) -> bool:
        """A regulator, court or government body: it approves deals, it does not make them."""
        last = name.split()[-1].lower() if name.split() else ""
        return name in self.authorities or last.endswith(self.authority_endings)

    @lru_cache(maxsize=1 << 15)  # noqa: B019 - one instance per process
    def is_org_prefix(self, word: str) -> bool:
        """A word that opens an organisation name ("Stadtwerke", "SV", "Bürgerliste")."""
        if word in self.org_prefixes:
            return True
        lower = word.lower()
        endings = self.prefix_endings
        return (
            word[:1].isupper()
            and lower.endswith(endings)
            and any(lower.endswith(e) and len(lower) > len(e) + 2 for e in endings)
        )


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (built once)."""
    return Gazetteer()
