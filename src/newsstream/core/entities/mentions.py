"""Finding name mentions in sentences (the "match" half of entity extraction).

Order of evidence, strongest first:

1. a multi-word known name (gazetteer: organisations, places, people, products);
2. a given name followed by a surname-like token ("Jana Wiesner") -> PERSON;
3. a single-word known name ("Microsoft", "openai", "Microsofts");
4. a run of capitalised tokens that are not ordinary words (``common_words``), typed by
   cues: company suffix or organisation head word (ORG), person title or role word before
   it (PERSON), "CEO of X" / "X-Chef" / "der Konzern X" (ORG), word shape (OpenAI: ORG).

German hyphen compounds ("Microsoft-CEO", "OpenAI-Talente") contribute their modifier
when it is a known or cued name. A document pre-scan collects surnames introduced with a
given name, so "Altman" and the genitive "Altmans" stay names wherever they occur, and
(English) words seen capitalised mid-sentence, which makes them names at a sentence start
or in a title-case headline too.
"""

from __future__ import annotations

from itertools import compress

from newsstream.core.entities.gazetteer import Entry, Gazetteer, gazetteer
from newsstream.core.entities.mention_words import (
    _WORTH_A_LOOK,
    NAME_ADJECTIVES,
    NAME_SLOTS,
    SENTENCE_OPENERS,
    TITLE_CASE_SHARE,
    Mention,
    _cue_words,
    _org_cues,
    _place_words,
    german_name_cue,
)
from newsstream.core.entities.name_cues import NameCues
from newsstream.core.entities.name_runs import NameRuns
from newsstream.core.entities.organisation_spans import OrganisationSpans
from newsstream.core.entities.token_profile import TokenProfile, profiles
from newsstream.core.text.common_words import german_rare_word
from newsstream.core.text.sentences import Sentence

__all__ = ["Mention", "MentionFinder"]


class MentionFinder(NameCues, OrganisationSpans, NameRuns):
    def __init__(self, sentences: list[Sentence], language: str, title_sentences: int) -> None:
        self.sentences = sentences
        self.language = language
        self.g: Gazetteer = gazetteer()
        self.p = profiles(language).__getitem__
        (
            self.titles,
            self.determiners,
            self.org_prepositions,
            self.loc_prepositions,
        ) = _cue_words(language)
        self.places = _place_words(language)
        self.title_sentences = title_sentences
        self.title_case = self._title_case()
        self.known: set[str] = set()
        self.mid_caps: set[str] = set()
        self.person_starts: set[tuple[int, int]] = set()  # (sentence, token) opening a person
        self._prescan()

    # -- document evidence -------------------------------------------------------------
    def _title_case(self) -> bool:
        if self.language == "de":
            return False
        words = [
            t
            for s in self.sentences[: self.title_sentences]
            for t in s.tokens
            if len(t) > 3 and t.isalpha()
        ]
        return bool(words) and sum(t[0].isupper() for t in words) >= TITLE_CASE_SHARE * len(words)

    @staticmethod
    def _candidates(s: Sentence) -> list[int]:
        """Positions worth a look: capitalised tokens and lower-case known names."""
        tokens = s.tokens
        return list(compress(range(len(tokens)), map(_WORTH_A_LOOK.__getitem__, tokens)))

    def _prescan(self) -> None:
        self.candidates = candidates = [self._candidates(s) for s in self.sentences]
        english = self.language != "de"
        p = self.p
        known = self.known
        mid_caps = self.mid_caps
        person_starts = self.person_starts
        for s in self.sentences:
            tokens = s.tokens
            n = len(tokens)
            body = english and s.index >= self.title_sentences
            for i in candidates[s.index]:
                info = p(tokens[i])
                if i + 1 < n and (
                    (info.first_name and self._is_first_name(s, i))
                    or (i and tokens[i + 1][:1].isupper() and self._cued_person(s, i))
                ):
                    person_starts.add((s.index, i))
                    following = p(tokens[i + 1])
                    if following.surname_like:
                        known.add(following.bare)
                # not at a sentence start (``_initial`` for a body sentence)
                if body and info.cap and i and tokens[i - 1] not in SENTENCE_OPENERS:
                    mid_caps.add(info.bare)

    # -- token tests -------------------------------------------------------------------
    def find(self) -> list[Mention]:
        mentions: list[Mention] = []
        p = self.p
        known = self.known
        surnames = self.g.surnames
        german = self.language == "de"
        at = self._at
        for s, candidates in zip(self.sentences, self.candidates, strict=True):
            tokens = s.tokens
            n = len(tokens)
            end = 0
            for i in candidates:
                if i < end:
                    continue
                token = tokens[i]
                if (  # fast path: an ordinary word with no name cue around it
                    p(token).plain
                    and not (  # ``_known``
                        token in known
                        or token in surnames
                        or (german and token[-1] == "s" and token[:-1] in known)
                    )
                    and (i + 1 >= n or not p(tokens[i + 1]).ends_org)
                    and (i + 2 >= n or not p(tokens[i + 2]).ends_org)
                    and (i == 0 or not p(tokens[i - 1]).cue)
                    and not (german and german_name_cue(token) and self._german_cue_here(s, i))
                ):
                    continue
                end = at(s, i, mentions)
        return mentions

    def _emit(
        self,
        mentions: list[Mention],
        s: Sentence,
        first: int,
        last: int,
        kind: str | None,
        entry: Entry | None = None,
        words: list[str] | None = None,
    ) -> int:
        if words is not None:
            text = " ".join(words) if len(words) > 1 else words[0]
        elif last == first + 1:
            text = self.p(s.tokens[first]).bare
        else:
            text = " ".join([self.p(t).bare for t in s.tokens[first:last]])
        canonical = entry.canonical if entry else None
        mention = Mention(text, kind, s.index, first, last, canonical)
        if (
            kind == "ORG"
            and first
            and self.language == "de"
            and self.p(s.tokens[first - 1]).descriptor
        ):
            mention.described = True  # "Der Heizungsbauer Viessmann": not the person
        mentions.append(mention)
        return last

    def _lookup(self, s: Sentence, i: int, info: TokenProfile) -> Entry | None:
        """``self.g.lookup(s.tokens, i, self.language)``; ``info`` is the profile of token i."""
        if info.one_word_entries:
            return info.entry
        return self.g.lookup(s.tokens, i, self.language)

    def _gazetteer(self, s: Sentence, i: int) -> Entry | None:
        info = self.p(s.tokens[i])
        if not info.gazetteer_key:
            return None
        entry = self._lookup(s, i, info)
        if entry is None:
            return None
        if entry.ambiguous and (
            self._initial(s, i) or (self.language == "de" and self._after_determiner(s, i))
        ):
            return None
        return entry

    def _at(self, s: Sentence, i: int, mentions: list[Mention]) -> int:
        token = s.tokens[i]
        info = self.p(token)
        if not info.alpha or "/" in token:
            return i + 1
        entry = self._gazetteer(s, i) if info.gazetteer_key else None
        if entry is not None and len(entry.words) > 1:
            return self._emit_known(mentions, s, i, entry)
        if not info.cap:
            return self._emit(mentions, s, i, i + 1, entry.type, entry) if entry else i + 1
        # a given name or a cued person (``_is_first_name`` / ``_cued_person``, as found by
        # ``_prescan``: ``_at`` only sees candidate positions)
        if (s.index, i) in self.person_starts:
            person_end = self._person_at(mentions, s, i)
            if person_end:
                return person_end
        if token in self.places.months and self._month(s, i):
            return i + 1  # "in May", "May 4"
        lower = s.lower
        if lower[i] in self.g.role_words:  # "Prime Minister", "Transport Secretary"
            role = self.g.role_at(lower, i)
            if role is not None and role[1] > 1:
                return i + role[1]
        if entry is not None and not (
            entry.type == "LOC" and i > 0 and self.p(s.tokens[i - 1]).org_prefix
        ):
            return self._at_known(mentions, s, i, entry)
        return self._at_unknown(mentions, s, i)

    def _at_unknown(self, mentions: list[Mention], s: Sentence, i: int) -> int:
        """A capitalised word the gazetteer does not know: a place or organisation by its
        shape, a compound, or the start of a run of names."""
        if self.language == "de":
            if i and s.lower[i - 1] in NAME_SLOTS:
                kind = self._slot_type(s, i, mentions)
                if kind is not None:
                    return self._emit(mentions, s, i, i + 1, kind)
            if self._company_subject_de(s, i):
                return self._emit(mentions, s, i, i + 1, "ORG")
            if s.tokens[i].endswith(NAME_ADJECTIVES) and self._adjective_name(s, i):
                words = [s.tokens[i].removesuffix("n"), self.p(s.tokens[i + 1]).bare]
                return self._emit(mentions, s, i, i + 2, "ORG", words=words)
            place_end = self._place_span(s, i, mentions)
            if place_end is not None:
                return self._emit(mentions, s, i, place_end, "LOC")
        org_end = self._org_span(s, i)
        if org_end is not None:
            return self._emit(mentions, s, i, org_end, "ORG")
        token = s.tokens[i]
        if "-" in token and not self._hyphen_name(token):
            self._compound(s, i, mentions)
            return i + 1
        return self._run(s, i, mentions)

    def _company_subject_de(self, s: Sentence, i: int) -> bool:
        """German: a sentence-initial rare word right before a company verb ("Kaufland
        eröffnet ...", "Kaufland übernimmt ...") is a company."""
        return (
            i + 1 < len(s.tokens)
            and s.lower[i + 1] in _org_cues("de")[1]
            and self._initial(s, i)
            and german_rare_word(s.tokens[i])
            and not self.p(s.tokens[i]).place_adjective
        )

    def _adjective_name(self, s: Sentence, i: int) -> bool:
        """German adjectives are written in lower case except in names: a capitalised
        "-sche(n)" adjective inside a sentence and the noun after it are an organisation
        ("der Deutschen Umwelthilfe", "die Bayerische Landesbank")."""
        if self._initial(s, i) or i + 1 >= len(s.tokens):
            return False
        following = self.p(s.tokens[i + 1])
        return (
            following.cap_word
            and not following.upper
            and "-" not in s.tokens[i + 1]
            and not following.place_adjective
            and not s.tokens[i + 1].endswith(NAME_ADJECTIVES)
            and (i + 2 >= len(s.tokens) or not s.tokens[i + 2][:1].isupper())
        )

    def _german_cue_here(self, s: Sentence, i: int) -> bool:
        """German fast-path guard for a word that ``german_name_cue`` marks: a "-sche(n)"
        adjective, or a rare word after a name slot or before a name."""
        if s.tokens[i].endswith(NAME_ADJECTIVES) or (i and s.lower[i - 1] in NAME_SLOTS):
            return True
        if i + 1 >= len(s.tokens):
            return False
        return s.lower[i + 1] in _org_cues("de")[1] or self._given_name_de(s, i)

    def _slot_type(self, s: Sentence, i: int, mentions: list[Mention]) -> str | None:
        """German: a rare word that reads as a noun is a name where a bare noun cannot
        stand: after "aus" / "in" / "nach" without an article ("aus Herzogenaurach"), or
        coordinated with a name ("Lidl und Kaufland"; so is a word no list knows)."""
        if i == 0 or s.lower[i - 1] not in NAME_SLOTS:
            return None
        token = s.tokens[i]
        info = self.p(token)
        if (info.common and not german_rare_word(token)) or not info.cap_word:
            return None
        if s.lower[i - 1] in ("aus", "in", "nach"):
            if not info.common:
                return None  # (``_type_single`` types it)
            following = s.tokens[i + 1] if i + 1 < len(s.tokens) else "."
            return "LOC" if not following[:1].isupper() else None
        if mentions:
            previous = mentions[-1]
            if previous.sentence == s.index and previous.last == i - 1:
                return previous.type if previous.type in ("ORG", "LOC") else None
        return None

    def _person_at(self, mentions: list[Mention], s: Sentence, i: int) -> int:
        """Emit the person that starts at ``i``; 0 when it is a lone word."""
        person_end = self._person_run(s, i)
        if person_end <= i + 1:
            return 0
        self._emit(mentions, s, i, person_end, "PERSON", self._known_person(s, i))
        self._drop_genitive(s, person_end, mentions[-1])
        return person_end

    def _at_known(self, mentions: list[Mention], s: Sentence, i: int, entry: Entry) -> int:
        if entry.type == "LOC":  # a place opening an organisation: "Glasgow City Council"
            org_end = self._org_span(s, i)
            if org_end is not None and org_end > i + 1 and self.p(s.tokens[org_end - 1]).ends_org:
                return self._emit(mentions, s, i, org_end, "ORG")
        return self._emit_known(mentions, s, i, entry)

    def _month(self, s: Sentence, i: int) -> bool:
        """A month name that is also a name ("May"): after "in", "since", "early" ... or
        before a day number or year."""
        if i > 0 and s.lower[i - 1] in self.places.month_prepositions:
            return True
        return i + 1 < len(s.tokens) and s.tokens[i + 1].isdigit()

    def _emit_known(self, mentions: list[Mention], s: Sentence, i: int, entry: Entry) -> int:
        end = i + len(entry.words)
        kind = entry.type
        if end < len(s.tokens) and s.tokens[end][:1].isupper() and kind in ("ORG", "LOC"):
            if kind == "ORG" and s.tokens[end] in self.g.org_suffixes:
                return self._emit(mentions, s, i, end + 1, kind, entry)
            # "Bosch Ventures", "Amazon Web Services"; a place opening an organisation:
            # "Silicon Valley Bank" (a one-word place: ``_at_known``)
            head = self._head_after(s, end) if kind == "ORG" or end > i + 1 else 0
            if head:
                return self._emit(mentions, s, i, head, "ORG")
        return self._emit(mentions, s, i, end, kind, entry)
