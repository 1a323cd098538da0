"""Is an event asserted? Negation, hedges and modal verbs within the trigger's clause.

* A negation in the clause drops the event ("had not removed", "denied", "postponed");
  "not only" / "nicht nur" do not negate. For a noun trigger only a negation right before
  it counts ("keine Entlassung").
* A hedge drops it ("might leave", "Gerüchte, wonach ...", "if", a question).
* A modal of reported speech ("would join", "soll leiten") lowers the confidence when an
  announcement verb precedes it in the sentence ("said that ... would join"), and drops
  the event otherwise.
* A noun trigger that someone demands, calls for or rejects ("fordert den Rücktritt",
  "calls for his resignation", "lehnt Rücktritt ab") is not asserted.
* A noun trigger with a possessive or definite article names a fact ("Altmans
  Entlassung") and ignores hedges; with an indefinite article it is hypothetical ("über
  eine Rückkehr verhandeln") and hedges apply.
"""

from __future__ import annotations

from newsstream.core.events.context import EventContext, SentenceView
from newsstream.core.events.triggers import Hit

INDEFINITE = frozenset({"a", "an", "eine", "einer", "einen", "einem", "eines"})
NOT_A_NEGATION_BEFORE = frozenset({"nur", "only", "just", "länger"})
MODAL_PENALTY = 0.15
DEMAND_WINDOW = 5


def assertion_penalty(ctx: EventContext, view: SentenceView, hit: Hit) -> float | None:
    """Confidence penalty of the clause around ``hit``; None when not asserted."""
    lower = view.s.lower
    first, last = hit.first, hit.last
    start, end = view.clause(first, last)
    words = lower[start:first] + lower[last + 1 : end]  # the clause without the trigger
    if not ctx.negation.isdisjoint(words):
        for p in range(start, end):
            if first <= p <= last or lower[p] not in ctx.negation:
                continue
            if p + 1 < len(lower) and lower[p + 1] in NOT_A_NEGATION_BEFORE:
                continue
            if not hit.nominal or first - p <= 2:
                return None
    indefinite = first > 0 and lower[first - 1] in INDEFINITE
    if hit.nominal and not ctx.demand.isdisjoint(lower[max(start, first - DEMAND_WINDOW) : first]):
        return None  # "fordert den Rücktritt", "called for his resignation", "lehnt Rücktritt ab"
    if hit.nominal and not indefinite:
        return 0.0
    if not ctx.hedge.isdisjoint(words) or lower[-1] == "?":
        return None
    if not ctx.modal.isdisjoint(words):
        announced = not ctx.announce.isdisjoint(lower[:first])
        return MODAL_PENALTY if announced else None
    return 0.0
