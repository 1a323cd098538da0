"""Is an asserted event *news* in its article, or told as background?

Extraction keeps every asserted event (the extraction gold labels background mentions
too); this module says which of them an article reports as news now, so that a story's
timeline can leave the others out (``core.stories.timeline``). ``not_news`` returns the
reason an event is not news, or None:

* ``former``: "former", "ex-", "ehemalige", "der frühere", "einstige" right before the
  trigger ("the former Twitch chief", "Ex-Chef");
* ``relative``: the trigger stands in a relative clause about a person or company ("X,
  who had co-founded …", "Microsoft, which has invested …", "Albers, die das Unternehmen
  2014 gegründet hatte");
* ``earlier``: the trigger's clause dates it well before publication (an explicit date
  more than ``OLD_DAYS`` days earlier, or a year before the publication year: "bought by
  Google in 2014", "2023 als Bundestrainer entlassen");
* ``after``: the event is the reference point of another ("a day after Lindner was
  fired", "drei Tage nach ihrem Rücktritt", "hours after the Commission fined …"): it is
  reported as news by the articles about it, not by this one;
* ``demanded``: someone demands, urges, threatens or pushes for it ("has demanded that
  López step down", "fordert in einem Brief die Rückkehr", "staff threaten to quit",
  "lehnt einen Rücktritt ab"); the window is the sentence before the trigger, not only
  the clause;
* ``speculation``: the sentence speaks of candidates or interest ("expressed interest in
  hiring", "names mentioned include", "als Kandidat gehandelt");
* ``hypothetical``: "could imagine a return", "kann sich eine Rückkehr vorstellen", a
  verb right after "would" / "could" / "würde" ("says he would gladly return").
"""

from __future__ import annotations

import re
from datetime import timedelta

from newsstream.core.events.context import EventContext, SentenceView
from newsstream.core.events.triggers import Hit

FORMER = frozenset(
    """former ex erstwhile onetime one-time then-ceo ehemalige ehemaliger ehemaligen
    ehemaligem frühere früherer früheren früherem einstige einstiger einstigen
    langjährige langjähriger langjährigen""".split()
)
FORMER_WINDOW = 3
RELATIVE_EN = frozenset({"who", "which", "whose", "whom"})
RELATIVE_DE = frozenset(
    {"der", "die", "das", "dem", "den", "deren", "dessen", "welche", "welcher", "welches"}
)
PAST_AUX = frozenset({"had", "has", "have", "hatte", "hatten", "war", "waren", "wurde", "wurden"})
AFTER = frozenset({"after", "following", "since", "nach", "seit", "seitdem"})
AFTER_WINDOW_NOUN = 3
AFTER_WINDOW_VERB = 8
AFTER_SUBJECT = 4  # "a day after the board members quit": a short subject, then the verb
AUXILIARIES = frozenset(
    "being been was were had has having his her their its the wurde worden war".split()
)
DEMAND_EXTRA = frozenset(
    """threaten threatens threatened threatening threat threats drohen droht drohte drohten
    push pushing pressure pressing campaign campaigning fordert forderte fordern forderten
    verlangt verlangte verlangen demanded demands demand urged urges calls called lehne
    lehnen""".split()
)
DEMAND_SPAN = 12
SPECULATION = frozenset(
    """interest interested candidate candidates frontrunner front-runner favourite favorite
    shortlist shortlisted mentioned contender contenders kandidat kandidaten kandidatin
    favorit favoritin gehandelt interesse""".split()
)
HYPOTHETICAL = frozenset(
    """vorstellen vorstellbar denkbar imagine conceivable could könnte könnten would würde
    möglich possible offen open""".split()
)
CONDITIONAL = frozenset("would could might würde würden könnte könnten".split())
OLD_DAYS = 45
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")


def not_news(ctx: EventContext, view: SentenceView, hit: Hit) -> str | None:
    """Why the event of ``hit`` is not news in its article (see module doc), or None."""
    lower = view.s.lower
    first, last = hit.first, hit.last
    if _former(lower, hit):
        return "former"
    start, end = view.clause(first, last)
    if _relative(ctx, lower, start, hit):
        return "relative"
    if _earlier(ctx, view, start, end, hit):
        return "earlier"
    if _after(ctx, view, start, hit):
        return "after"
    if not SPECULATION.isdisjoint(lower):
        return "speculation"  # "interest in hiring", "names mentioned include", "Kandidat"
    before = lower[max(0, first - DEMAND_SPAN) : first]
    if not (ctx.demand.isdisjoint(before) and DEMAND_EXTRA.isdisjoint(before)):
        return "demanded"
    after = lower[last + 1 : end]
    if hit.nominal and not (ctx.demand.isdisjoint(after) and DEMAND_EXTRA.isdisjoint(after)):
        return "demanded"  # "Einen Rücktritt lehne er ab"
    reach = start if ctx.language == "de" else max(start, first - 3)  # German: verb last
    if not hit.nominal and not CONDITIONAL.isdisjoint(lower[reach:first]):
        return "hypothetical"  # "says he would gladly return"
    indefinite = first > 0 and lower[first - 1] in ("a", "an", "eine", "einen", "einer")
    if hit.nominal and indefinite and not HYPOTHETICAL.isdisjoint(lower[start:end]):
        return "hypothetical"
    return None


def _former(lower: list[str], hit: Hit) -> bool:
    window = lower[max(0, hit.first - FORMER_WINDOW) : hit.first]
    words = [lower[p] for p in hit.positions] if hit.positions else lower[hit.first : hit.last + 1]
    if any(w.startswith("ex-") for w in words):
        return True
    return not FORMER.isdisjoint(window)


def _relative(ctx: EventContext, lower: list[str], start: int, hit: Hit) -> bool:
    """The clause opens with a relative pronoun right after a comma."""
    if start == 0 or lower[start - 1] != ",":
        return False
    opener = lower[start]
    if ctx.language == "de":
        if opener not in RELATIVE_DE and not (
            opener in ("mit", "bei", "für", "von", "an") and start + 1 < len(lower)
            and lower[start + 1] in RELATIVE_DE
        ):
            return False
        following = lower[hit.last + 1] if hit.last + 1 < len(lower) else "."
        return following in (",", ".", ";", "–", ")") or following in PAST_AUX or (
            following in ("hat", "haben", "ist", "sind", "wird")
        )
    return opener in RELATIVE_EN


def _earlier(ctx: EventContext, view: SentenceView, start: int, end: int, hit: Hit) -> bool:
    published = ctx.published_at.date()
    for token in view.s.lower[start:end]:
        if _YEAR.match(token) and int(token) < published.year:
            return True
    dates = view.dates
    if not dates:
        return False
    lo, hi = view.s.offset(start) - view.s.start, view.s.offset(max(start, end - 1)) - view.s.start
    return any(
        lo <= d.offset <= hi + 20 and d.value < published - timedelta(days=OLD_DAYS)
        for d in dates
    )


def _after(ctx: EventContext, view: SentenceView, start: int, hit: Hit) -> bool:
    lower = view.s.lower
    window = AFTER_WINDOW_NOUN if hit.nominal else AFTER_WINDOW_VERB
    lo = max(start, hit.first - window)
    for p in range(hit.first - 1, lo - 1, -1):
        if lower[p] not in AFTER:
            continue
        if hit.nominal or p == hit.first - 1:  # "after his dismissal", "since leaving"
            return True
        if set(lower[p + 1 : hit.first]) <= AUXILIARIES:  # "two days after being fired"
            return True
        gap = range(p + 1, hit.first)
        named = any(m.first in gap for m in view.persons + view.orgs)
        short = len(gap) <= AFTER_SUBJECT and "," not in lower[p + 1 : hit.first]
        return named or short or not ctx.pronouns.isdisjoint(lower[p + 1 : hit.first])
    return False

