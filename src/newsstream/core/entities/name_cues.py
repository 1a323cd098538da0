"""Token tests of the mention finder: is this token a name, and of what type?

A mixin of ``MentionFinder`` (``core.entities.mentions``): its methods read the
finder's document state (``sentences``, ``language``, ``g``, ``p``, cue words).
"""

from __future__ import annotations

from newsstream.core.entities.mention_words import (
    APPOSITION_ARTICLES,
    ARTICLES_EN,
    BETWEEN,
    COMMON_LAST_WORD,
    PLACE_ROLES,
    PLACE_WORD_COMMON,
    RELATIVES,
    ROLE_OPENERS,
    SCORE,
    SENTENCE_OPENERS,
    Mention,
    _org_cues,
)
from newsstream.core.entities.token_profile import TokenProfile
from newsstream.core.text.common_words import german_rare_word
from newsstream.core.text.frequency import zipf
from newsstream.core.text.sentences import Sentence


class NameCues:
    """Token tests of the mention finder."""

    def _initial(self, s: Sentence, i: int) -> bool:
        if s.index < self.title_sentences and self.title_case:
            return True
        return i == 0 or s.tokens[i - 1] in SENTENCE_OPENERS

    def _is_first_name(self, s: Sentence, i: int) -> bool:
        """A given name followed by a capitalised word that is not a known org or place."""
        if not self.p(s.tokens[i]).first_name or i + 1 >= len(s.tokens):
            return False
        nxt = self.p(s.tokens[i + 1])
        if nxt.org_head or nxt.org_suffix:  # "Rowan Health", "Morgan Ltd"
            return False
        if not nxt.gazetteer_key:
            return True
        following = self._lookup(s, i + 1, nxt)
        return following is None or following.type == "PERSON"

    def _after_determiner(self, s: Sentence, i: int) -> bool:
        for back in range(i - 1, max(i - 4, -1), -1):
            word = s.lower[back]
            if word in self.determiners:
                return True
            if not s.tokens[back].isalpha() or not s.tokens[back][0].islower():
                return False
        return False

    def _zipf_en(self, info: TokenProfile) -> float:
        return info.zipf if self.language == "en" else zipf(info.bare, "en")

    def _known(self, token: str) -> bool:
        if token in self.known or token in self.g.surnames:
            return True
        return self.language == "de" and token.endswith("s") and token[:-1] in self.known

    def name_like(self, s: Sentence, i: int) -> bool:
        """Whether ``s.tokens[i]`` can be part of a name in its context."""
        info = self.p(s.tokens[i])
        if not info.cap or not info.alpha:
            return False
        if self._known(info.bare):
            return not (self.language == "de" and info.common and self._after_determiner(s, i))
        if info.stop or info.role:
            return False
        if info.inner_caps or info.digit:
            return True
        if info.upper:
            return info.acronym_name
        if self.language == "de":
            if info.descriptor or info.place_adjective:
                return False
            if info.common:
                return self._given_name_de(s, i)
            return not self._after_determiner(s, i)
        if self._initial(s, i):
            if info.bare in self.mid_caps or not info.common_initial:
                return True
            # "Ferrari, which he also ran, ...": a relative clause follows a name
            return i + 2 < len(s.tokens) and s.tokens[i + 1] == "," and s.lower[i + 2] in RELATIVES
        if i > 0 and s.lower[i - 1] in ARTICLES_EN and self._zipf_en(info) >= 4.0:
            return False
        return not info.common

    def _given_name_de(self, s: Sentence, i: int) -> bool:
        """German: a rare word that reads as a noun opens a name when a name-shaped word
        follows that no frequency list knows ("Niko Kovač", "Stephan Erffa")."""
        if i + 1 >= len(s.tokens) or not german_rare_word(s.tokens[i]) or self._initial(s, i):
            return False
        following = self.p(s.tokens[i + 1])
        return (
            following.surname_like
            and not following.common
            and not following.gazetteer_key
            and not following.ends_org
            and not following.descriptor
            and not self._after_determiner(s, i)
        )

    # -- cues --------------------------------------------------------------------------
    def _role_before(self, s: Sentence, i: int) -> bool:
        if i == 0:
            return False
        previous = s.tokens[i - 1]
        info = self.p(previous)
        if info.role or info.role_compound:
            return True
        if "-" in previous and self.g.role_of_word(previous.rsplit("-", 1)[1]):
            return True
        if s.lower[i - 1] not in self.g.role_last_words:  # no role phrase can end here
            return False
        return any(
            self.g.roles.get(tuple(s.lower[i - size : i])) for size in (2, 3) if i - size >= 0
        )

    def _title_before(self, s: Sentence, i: int) -> bool:
        if i >= 1 and s.tokens[i - 1] in self.titles:
            return True
        return i >= 2 and s.tokens[i - 1] == "." and s.tokens[i - 2] in self.titles

    def _org_context(self, s: Sentence, i: int, last: int) -> bool:
        if i >= 1 and self.p(s.tokens[i - 1]).descriptor:
            return True
        if i >= 2 and s.lower[i - 1] in self.org_prepositions and self._role_before(s, i - 1):
            return s.lower[i - 2] not in PLACE_ROLES
        if self.p(s.tokens[last - 1]).possessive and last < len(s.tokens):
            return self.g.role_at(s.lower, last) is not None
        if last + 2 < len(s.tokens) and s.tokens[last] == ",":
            if s.lower[last + 1] in ("which", "that"):
                return True
            return self._apposition_descriptor(s, last + 1)
        return False

    def _apposition_descriptor(self, s: Sentence, k: int) -> bool:
        """ ", a Boston start-up developing ...", ", ein Start-up aus Dresden": the name
        before the comma is an organisation (the descriptor heads the apposition)."""
        if s.lower[k] not in APPOSITION_ARTICLES:
            return False
        tokens = s.tokens
        for j in range(k + 1, min(len(tokens) - 1, k + 5)):
            if not tokens[j][:1].isalnum():
                return False
            if self.p(tokens[j]).descriptor:
                following = s.lower[j + 1]
                return (
                    not following[:1].isalnum()
                    or following in self.places.apposition
                    or (self.language != "de" and following.endswith(("ing", "ed")))
                )
        return False

    @staticmethod
    def _team_context(s: Sentence, first: int, last: int) -> bool:
        """ "Burnley, who were relegated": one name with a plural verb is a team."""
        lower = s.lower
        return (
            last == first + 1
            and last + 2 < len(lower)
            and lower[last] == ","
            and lower[last + 1] == "who"
            and lower[last + 2] in ("were", "are", "have")
            and (first == 0 or lower[first - 1] not in ("and", ","))
        )

    def _person_context(self, s: Sentence, last: int, single: bool) -> bool:
        """What follows a name makes it a person: ", who", a role in apposition (", its
        strategy director"), or "as / als" and a role ("Niko Kovač als neuen Cheftrainer")."""
        lower = s.lower
        n = len(lower)
        if last + 1 >= n:
            return False
        if s.tokens[last] == ",":
            if lower[last + 1] == "who":
                return True
            start = last + 2 if lower[last + 1] in ROLE_OPENERS else 0
        else:  # ("join Brightwater as head of ...": a lone word is not enough)
            start = last + 1 if lower[last] in ("as", "als") and not single else 0
            if start and start < n and lower[start] in ROLE_OPENERS:
                start += 1
        return bool(start) and any(
            self._role_word_at(lower, k) for k in range(start, min(n, start + 3))
        )

    def _role_word_at(self, lower: list[str], k: int) -> bool:
        if self.g.role_of_word(lower[k]):
            return True
        return lower[k] in self.g.role_words and self.g.role_at(lower, k) is not None

    def _type_by_form(self, s: Sentence, first: int, words: list[str]) -> str | None:
        """The type of a run by its own words and the word right after it."""
        last = first + len(words)
        if self.p(words[-1]).ends_org:
            return "ORG"
        if (
            last < len(s.tokens)
            and s.lower[last] in self.places.product_followers
            and not self.p(s.tokens[last - 1]).possessive  # ("Apple's headset": the maker)
        ):
            return "MISC"  # "its Vision Pro headset"
        if self._team_context(s, first, last):
            return "ORG"
        places = self.places
        if len(words) > 1 and (words[-1] in places.heads or words[0] in places.prefixes):
            return "LOC"  # "Hollin Bay", "Larch Point", "Lake Ellery"
        return None

    def _type_run(
        self, s: Sentence, first: int, words: list[str], mentions: list[Mention]
    ) -> str | None:
        last = first + len(words)
        kind = self._type_by_form(s, first, words)
        if kind is not None:
            return kind
        if self._title_before(s, first) or self._role_before(s, first):
            return "PERSON"
        if first >= 2 and s.tokens[first - 1] == "," and self._role_before(s, first - 1):
            return "PERSON"  # a role in apposition: "its finance chief, Orson Blake,"
        if self._place_context(s, first, mentions):
            return "LOC"  # "mayor of Hollin Bay", "the county of X", "between X and Y"
        if self._org_context(s, first, last):
            return "ORG"
        if self._person_context(s, last, len(words) == 1):
            return "PERSON"
        if len(words) == 1:
            return self._type_single(s, first, words[0])
        if not all(w.isalpha() and w[0].isupper() and not self.p(w).inner_caps for w in words):
            return "ORG"
        if zipf(words[-1], self.language) >= COMMON_LAST_WORD:
            return "ORG"
        if first > 0 and s.lower[first - 1] == "the" and words[0] not in self.g.first_names:
            return "ORG"  # people take no article: "the Brookfield Playhouse"
        return "PERSON"

    def _type_single(self, s: Sentence, first: int, word: str) -> str | None:
        """The type of a lone capitalised word that no cue before it settled."""
        info = self.p(word)
        if info.inner_caps or info.upper or info.digit:
            return "ORG"
        last = first + 1
        if last < len(s.tokens) and SCORE.match(s.tokens[last]):
            return "ORG"  # a team before its result: "beating Norbury 3-0"
        if first >= 2 and s.lower[first - 1] == "of" and s.lower[first - 2] in self.places.products:
            return "MISC"  # a product: "the maker of Crunchwell crisps"
        if first >= 1 and s.lower[first - 1] in self.loc_prepositions:
            return "LOC"
        if self.language != "de" and self._org_cue(s, first):
            return "ORG"
        return None

    def _org_cue(self, s: Sentence, i: int) -> bool:
        """English: what surrounds a lone name makes it a company: "Disney shareholders",
        "Disney's board", "Starbucks said", "an executive at Mozilla"."""
        followers, verbs, at_cues = _org_cues(self.language)
        lower = s.lower
        if i + 1 < len(lower) and (lower[i + 1] in followers or lower[i + 1] in verbs):
            return True
        return (
            i >= 2
            and lower[i - 1] == "at"
            and (lower[i - 2] in at_cues or self.g.role_of_word(lower[i - 2]) is not None)
        )

    def _place_context(self, s: Sentence, i: int, mentions: list[Mention]) -> bool:
        """A place by what precedes it: "mayor of X", "Bürgermeister von X", "the county of
        X", "des Kreises X", "die Gemeinde X", "zwischen Ellerfeld und X"; German, a word
        shaped like a place name after a location preposition ("in Ellerfeld")."""
        if i == 0:
            return False
        lower = s.lower
        before = lower[i - 1]
        if self.language == "de" and s.tokens[i - 1] in self.places.nouns:
            return True
        if i >= 2 and before in ("of", "von", "des"):
            two = lower[i - 2]
            if two in PLACE_ROLES or (self.language != "de" and two in self.places.nouns):
                return True
        if before in ("und", "and") and mentions:
            previous = mentions[-1]  # "zwischen Ellerfeld und Königsbrunn"
            if (
                previous.sentence == s.index
                and previous.last == i - 1
                and previous.type == "LOC"
                and previous.first > 0
                and lower[previous.first - 1] in BETWEEN
            ):
                return True
        info = self.p(s.tokens[i])
        if info.place_shaped:
            return before in self.loc_prepositions or before in BETWEEN or before == "bei"
        return False

    def _place_span(self, s: Sentence, i: int, mentions: list[Mention]) -> int | None:
        """End of a German place name that its context marks ("des Kreises Ostheide",
        "Bürgermeister von Sankt Ilgen", "in Ellerfeld"), though its words read as common
        nouns."""
        if not self._place_context(s, i, mentions):
            return None
        tokens = s.tokens
        n = len(tokens)
        j = i
        while j + 1 < n and tokens[j] in self.places.prefixes and tokens[j + 1][:1].isupper():
            j += 1
        info = self.p(tokens[j])
        if not info.cap_word or info.descriptor or info.org_head or info.upper or info.digit:
            return None
        if info.zipf >= PLACE_WORD_COMMON and not info.place_shaped:
            return None
        return j + 1

    # -- finding -----------------------------------------------------------------------
