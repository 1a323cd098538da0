"""People and runs of names in the mention finder: cued persons, person runs,
hyphen compounds, and runs of capitalised tokens typed by their cues.

A mixin of ``MentionFinder`` (``core.entities.mentions``): its methods read the
finder's document state (``sentences``, ``language``, ``g``, ``p``, cue words).
"""

from __future__ import annotations

from newsstream.core.entities.gazetteer import Entry, strip_possessive
from newsstream.core.entities.mention_words import (
    MAX_RUN,
    PARTICLES,
    PLACE_COMPOUNDS,
    TITLE_WORD,
    Mention,
    is_cap,
)
from newsstream.core.text.common_words import german_common, is_common
from newsstream.core.text.sentences import Sentence


class NameRuns:
    """People and runs of names in the mention finder."""

    def _cued_person(self, s: Sentence, i: int) -> bool:
        """Two name words after a role or title ("Finanzvorstand Arno Becker", "Mr. Tal Ron")."""
        if i == 0 or i + 1 >= len(s.tokens) or not s.tokens[i + 1][:1].isupper():
            return False
        previous = s.tokens[i - 1]
        cue = self.p(previous)
        if not (
            cue.role
            or previous in self.titles
            or previous == "."
            or cue.role_compound
            or (i >= 2 and self.g.roles.get((s.lower[i - 2], s.lower[i - 1])) is not None)
        ):
            return False
        info, following = self.p(s.tokens[i]), self.p(s.tokens[i + 1])
        if not (info.surname_like and following.surname_like) or info.gazetteer_key:
            return False
        if info.possessive or info.org_head or following.org_head or following.org_suffix:
            return False
        role = self.g.role_at(s.lower, i - 1)  # "Chief Operating Officer" is no name
        if role is not None and role[1] > 1:
            return False
        return self._role_before(s, i) or self._title_before(s, i)

    def _drop_genitive(self, s: Sentence, end: int, mention: Mention) -> None:
        """German "Jana Wiesners Entlassung": the name is "Jana Wiesner"."""
        text = mention.text
        if self.language != "de" or not text.endswith("s") or text.endswith(("ss", "'s")):
            return
        if end < len(s.tokens) and self.p(s.tokens[end]).common and s.tokens[end][:1].isupper():
            mention.text = text[:-1]

    def _known_person(self, s: Sentence, i: int) -> Entry | None:
        entry = self._lookup(s, i, self.p(s.tokens[i]))
        return entry if entry is not None and entry.type == "PERSON" else None

    def _person_run(self, s: Sentence, i: int) -> int:
        tokens = s.tokens
        lower = s.lower
        j = i + 1
        while j < len(tokens) and j - i < MAX_RUN:
            if lower[j] in PARTICLES and j + 1 < len(tokens) and j > i + 1:
                k = j
                while k < len(tokens) and lower[k] in PARTICLES:
                    k += 1
                following = self.p(tokens[k]) if k < len(tokens) else None
                if (
                    following is not None
                    and following.surname_like
                    and not (self.language == "de" and following.common)  # "… den Vorsitz"
                ):
                    j = k
                    continue
                break
            info = self.p(tokens[j])
            if not info.surname_like:
                break
            if j > i + 1 and not self.name_like(s, j):
                break
            j += 1
            if info.possessive:
                break
        return j

    def _hyphen_name(self, token: str) -> bool:
        parts = token.split("-")
        return (
            all(p[:1].isupper() for p in parts)
            and (parts[0] in self.g.first_names or not any(german_common(p) for p in parts))
            and not any(self.g.role_of_word(p) for p in parts)
        )

    def _compound(self, s: Sentence, i: int, mentions: list[Mention]) -> None:
        """A hyphen compound: its modifier is a mention when known or cued by the head."""
        whole = strip_possessive(s.tokens[i])
        parts = whole.split("-")
        if len(parts) < 2 or not all(parts) or self.g.role_of_word(whole):
            return
        head = parts[-1]
        cued = bool(self.g.role_of_word(head)) or self.g.is_descriptor(head)
        for size in range(len(parts) - 1, 0, -1):
            modifier = "-".join(parts[:size])
            entry = self.g.lookup([modifier], 0, self.language)
            if entry is not None:
                self._emit_text(mentions, s, i, modifier, entry.type, entry.canonical)
                return
            if self._known(modifier):
                self._emit_text(mentions, s, i, modifier, None, None)
                return
        modifier = parts[0]
        if (  # in English an ordinary word is no name ("First-team coach")
            cued
            and is_cap(modifier)
            and (
                self.p(modifier).inner_caps
                or not is_common(modifier, self.language, self.language == "en")
            )
        ):
            self._emit_text(mentions, s, i, modifier, "ORG", None)

    @staticmethod
    def _emit_text(
        mentions: list[Mention],
        s: Sentence,
        i: int,
        text: str,
        kind: str | None,
        canonical: str | None,
    ) -> None:
        mentions.append(Mention(text, kind, s.index, i, i + 1, canonical))

    def _run(self, s: Sentence, i: int, mentions: list[Mention]) -> int:
        tokens = s.tokens
        if not self.name_like(s, i):
            return self._of_name(s, i, mentions)
        p = self.p
        n = len(tokens)
        j = i + 1
        person_next = False
        person_starts = self.person_starts
        while j < n and j - i < MAX_RUN:
            if p(tokens[j - 1]).possessive:
                break
            if (s.index, j) in person_starts:
                person_next = True
                break
            token = tokens[j]
            info = p(token)
            if not (info.cap and info.alpha) or "-" in token or not self.name_like(s, j):
                break  # (``name_like`` needs a capitalised alphabetic token)
            if info.gazetteer_key and self._gazetteer(s, j) is not None:
                break
            j += 1
        if j < n and not person_next and p(tokens[j]).ends_org and tokens[j] != "&":
            j += 1
        if person_next and self._title_word(s, i, j):
            return j  # "Headliner Maggie Dunne", "Secretary Owen Price": a title
        return self._emit_run(s, i, j, mentions)

    def _emit_run(self, s: Sentence, i: int, j: int, mentions: list[Mention]) -> int:
        """Emit the run ``i:j`` of name words (unless a role phrase covers it), typed."""
        tokens = s.tokens
        p = self.p
        if i > 0 and s.lower[i - 1] in self.g.role_words:
            role = self.g.role_at(s.lower, i - 1)  # German "Chief Operating Officer"
            if role is not None and i - 1 + role[1] >= j:
                return j
        if j < len(tokens) and "-" in tokens[j] and s.lower[j].endswith(PLACE_COMPOUNDS):
            place = tokens[j].split("-")[0]  # "Palo Alto-based": one place
            if is_cap(place):
                words = [*(p(t).bare for t in tokens[i:j]), place]
                return self._emit(mentions, s, i, j + 1, "LOC", words=words)
        words = [p(t).bare for t in tokens[i:j]]
        return self._emit(mentions, s, i, j, self._type_run(s, i, words, mentions), words=words)

    def _title_word(self, s: Sentence, i: int, j: int) -> bool:
        """One capitalised ordinary word right before a given name and surname is a title
        or description ("Headliner", "Secretary", "Striker"), not part of the name."""
        if j != i + 1:
            return False
        info = self.p(s.tokens[i])
        if info.inner_caps or info.upper or self._known(info.bare):
            return False
        return self._initial(s, i) or self._zipf_en(info) >= TITLE_WORD

    def _of_name(self, s: Sentence, i: int, mentions: list[Mention]) -> int:
        """ "University of Kent": an organisation head joined by "of" to a name."""
        tokens = s.tokens
        if (
            tokens[i] in self.g.of_heads
            and i + 2 < len(tokens)
            and s.lower[i + 1] == "of"
            and self.name_like(s, i + 2)
        ):
            return self._emit(mentions, s, i, i + 3, "ORG")
        return i + 1
