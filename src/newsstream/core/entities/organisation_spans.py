"""Organisation names of the mention finder: where a company, authority or club
name ends (head words, prefixes, descriptors, joiners).

A mixin of ``MentionFinder`` (``core.entities.mentions``): its methods read the
finder's document state (``sentences``, ``language``, ``g``, ``p``, cue words).
"""

from __future__ import annotations

from newsstream.core.entities.mention_words import (
    NO_PREFIX,
    NUMERALS,
    ORG_MODIFIER_COMMON,
    _joiners,
    is_cap,
)
from newsstream.core.text.sentences import Sentence


class OrganisationSpans:
    """Organisation names of the mention finder."""

    def _head_after(self, s: Sentence, k: int) -> int:
        """End of up to two capitalised words from ``k`` that close with an organisation
        head ("Web Services", "Ventures"); 0 when there is none."""
        tokens = s.tokens
        p = self.p
        for j in range(k, min(len(tokens), k + 2)):
            info = p(tokens[j])
            if not info.cap_word or "-" in tokens[j] or (info.possessive and not info.org_head):
                return 0
            if info.org_head:
                tail = j + 1 < len(tokens) and tokens[j + 1] in self.g.region_tails
                return j + 2 if tail else j + 1  # "Thyssenkrupp Steel Europe"
        return 0

    # -- organisation patterns -----------------------------------------------------------
    def _cap_word(self, token: str) -> bool:
        return self.p(token).cap_word

    def _modifier_ok(self, s: Sentence, k: int, head: int) -> bool:
        """Token ``k`` can open a company name that ends with the head word at ``head``."""
        info = self.p(s.tokens[k])
        if not info.cap_word or info.org_head or info.descriptor:
            return False
        if info.place_adjective:  # "Berliner Volksbank", "Dresdner Bank"
            return head == k + 1
        if self.name_like(s, k):
            return True
        if self.language != "de":  # capitalised inside an English sentence: "the Labour Party"
            return not self._initial(s, k) or info.zipf < ORG_MODIFIER_COMMON
        if info.zipf >= ORG_MODIFIER_COMMON:
            return False
        lower = s.lower[k]
        if lower.endswith(self.places.adjective_endings):
            return False  # "Olympische Spiele", "Betreutes Wohnen"
        return not (lower.endswith(("e", "es")) and self._initial(s, k))

    def _org_span(self, s: Sentence, i: int) -> int | None:
        """End of an organisation name starting at ``i`` (prefix, suffix, head, "&", cue)."""
        tokens = s.tokens
        n = len(tokens)
        p = self.p
        first = p(tokens[i])
        if first.org_prefix or (first.descriptor and "-" in tokens[i]):
            end = self._prefixed_end(s, i)
            if end != NO_PREFIX:
                return end
        j = i
        while j < n and j - i < 4:
            info = p(tokens[j])
            if not info.cap_word:
                break
            j += 1
            if info.possessive:  # "Britain's Competition ...": no organisation starts here
                return None
        if j == i:
            return None
        if j < n and tokens[j] in _joiners() and (joined := self._joined_end(s, i, j)):
            return joined
        for k in (i + 1, i + 2):
            if k + 1 < n and p(tokens[k]).descriptor and p(tokens[k + 1]).cap_word:
                break
            if (
                k < n
                and p(tokens[k]).org_head
                and all(self._modifier_ok(s, m, k) for m in range(i, k))
            ):
                return k + 2 if k + 1 < n and tokens[k + 1] in self.g.org_suffixes else k + 1
        if i > 0 and p(tokens[i - 1]).descriptor:
            return self._described_end(s, i)
        return None

    def _prefixed_end(self, s: Sentence, i: int) -> int | None:
        """An organisation prefix opens a name ("Landgericht München I", "SV Eichenau");
        a hyphenated descriptor does not ("KI-Start-up Aleph Alpha GmbH")."""
        tokens = s.tokens
        n = len(tokens)
        if "-" in tokens[i] and self.p(tokens[i]).descriptor:
            return None
        if self.p(tokens[i]).org_prefix and i + 1 < n and self.p(tokens[i + 1]).cap_word:
            return i + 3 if i + 2 < n and tokens[i + 2] in NUMERALS else i + 2
        return NO_PREFIX

    def _described_end(self, s: Sentence, i: int) -> int | None:
        """End of a name right after a descriptor ("der Softwarekonzern Kestrel")."""
        if not self._descriptor_name(s, i):
            return None
        tokens = s.tokens
        p = self.p
        j = i + 1
        while (
            j < len(tokens)
            and j - i < 3
            and self._cap_word(tokens[j])
            and (p(tokens[j]).org_head or self.name_like(s, j))
        ):
            j += 1
        return j

    def _joined_end(self, s: Sentence, i: int, j: int) -> int:
        """End of a name whose capitalised words ``i:j`` a suffix closes ("Kessler GmbH")
        or "&" / "and" joins to more ("Marks & Spencer", "Competition and Markets
        Authority"); 0 otherwise."""
        tokens = s.tokens
        n = len(tokens)
        if j < n and tokens[j] in self.g.org_suffixes:
            return j + 1
        if j + 1 < n and tokens[j] == "and" and self.language != "de":
            return self._head_after(s, j + 1)
        if j + 1 < n and tokens[j] == "&" and is_cap(tokens[j + 1]) and j == i + 1:
            return j + 2
        return 0

    def _descriptor_name(self, s: Sentence, i: int) -> bool:
        """A name right after a descriptor ("der Softwarekonzern X", "the startup X"); in
        English the descriptor is lower case and the name must look like one."""
        token = s.tokens[i]
        if "-" in token or self._is_first_name(s, i):
            return False
        if self.language != "de":
            return s.tokens[i - 1].islower() and self.name_like(s, i)
        return self.p(token).zipf < ORG_MODIFIER_COMMON or self._known(token)
