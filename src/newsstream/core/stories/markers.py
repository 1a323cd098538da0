"""Article markers: what the store remembers of every article it placed.

``a:<article>`` is the marker of one article: its story, content hash, change
time, what it contributed (its ``share``) and what its member ref carried. A
re-delivery is recognised by it, a correction takes out exactly its share.

Markers live as long as their story, with two bounds:

- ``m:<story>:<n>`` are chunks of member ids whose refs a big story dropped, with
  the stream time they were dropped at. A story that stays active forgets them
  and their markers a window later (``forget_old``), so a story that runs for
  months holds about two windows of markers.
- When a story **expires**, the markers of its listed members stay for
  ``horizon`` more articles as *gone* markers (``story``, ``hash``, ``changed``,
  ``gone``), listed in chunks ``g:<n>`` and counted by ``gone`` (``seq``,
  ``head``, ``tail``). A re-delivery comes from the consumer's uncommitted tail:
  an article placed, then its story expired by a later article whose batch
  completed, then the worker killed before the offsets were committed. The gone
  marker says the article's story already had it, so it is not placed a second
  time (its story's last record stays live on the output topic and lists it).
  Stream time is no measure for this: a stream whose publication dates jump
  (a backfill, a replay) passes a window within a few articles.
"""

from __future__ import annotations

from newsstream.core.stories.ageing import Ageing
from newsstream.core.stories.schema import GoneBook, Marker
from newsstream.core.stories.state import Story
from newsstream.core.stories.write_batch import WriteBatch

GONE = "gone"  # the bookkeeping key of gone markers


class Markers:
    """The markers of one store, read and written through a ``WriteBatch``."""

    def __init__(self, db: WriteBatch, ageing: Ageing, window: float, horizon: int) -> None:
        self.db = db
        self.ageing = ageing
        self.window = window  # seconds
        self.horizon = horizon  # articles a gone marker is kept for

    def get(self, article_id: str) -> Marker | None:
        return self.db.get(f"a:{article_id}")

    def put(self, article_id: str, marker: Marker) -> None:
        self.db.set(f"a:{article_id}", marker)

    def delete(self, article_id: str) -> None:
        self.db.delete(f"a:{article_id}")

    # ------------------------------------------------------ dropped member ids
    def drop_refs(self, story: Story, dropped: list[str]) -> None:
        """Keep the ids of members whose refs the story just dropped (with the stream
        time they were dropped at, for ``forget_old``)."""
        if dropped:
            chunk = {"at": self.ageing.now(), "ids": dropped}
            self.db.set(f"m:{story['id']}:{story['gone']}", chunk)
            story["gone"] += 1

    def dropped(self, story: Story) -> list[tuple[int, float | None, list[str]]]:
        """``(n, dropped at, ids)`` of each chunk of member ids whose refs the story
        dropped and whose markers it still keeps, oldest first."""
        chunks = []
        for n in range(story.get("forgot", 0), story["gone"]):
            value = self.db.get(f"m:{story['id']}:{n}")
            if isinstance(value, dict):
                chunks.append((n, float(value["at"]), list(value["ids"])))
            elif value:  # a chunk written before chunks carried their time
                chunks.append((n, None, list(value)))
        return chunks

    def repoint(self, loser: Story, survivor: Story) -> None:
        """A merge: the loser's members (and dropped ids) now belong to the survivor."""
        for member in loser["members"]:
            marker = self.get(member.id)
            if marker is not None:
                self.put(member.id, {**marker, "story": survivor["id"]})
        for n, at, ids in self.dropped(loser):
            for article_id in ids:
                marker = self.get(article_id)
                if marker is not None and marker["story"] == loser["id"]:
                    self.put(article_id, {**marker, "story": survivor["id"]})
            chunk = {"at": self.ageing.now() if at is None else at, "ids": ids}
            self.db.set(f"m:{survivor['id']}:{survivor['gone']}", chunk)
            survivor["gone"] += 1
            self.db.delete(f"m:{loser['id']}:{n}")
        loser["gone"] = loser["forgot"] = 0

    def forget_dropped(self, story: Story, before: float | None = None) -> None:
        """Delete the dropped-id chunks and the markers that still point here: all of
        them, or (``before``) the oldest ones dropped before that stream time."""
        for n, at, ids in self.dropped(story):
            if before is not None and (at is None or at >= before):
                break
            for article_id in ids:
                marker = self.get(article_id)
                if marker is not None and marker["story"] == story["id"]:
                    self.delete(article_id)
            self.db.delete(f"m:{story['id']}:{n}")
            story["forgot"] = n + 1
        if before is None:
            story["gone"] = story["forgot"] = 0

    def forget_old(self, story: Story) -> None:
        """A story that stays active keeps a marker for each of its recent members
        only. Markers of members whose refs were dropped more than a window ago
        (stream time) are forgotten. A re-delivery or a correction of an article
        forgotten this way counts as a new article."""
        self.forget_dropped(story, before=self.ageing.now() - self.window)

    # ------------------------------------------------- markers of expired stories
    def expire(self, story: Story) -> None:
        """The story leaves the store: its listed members keep gone markers for
        ``horizon`` articles; the markers of dropped members go now."""
        self.forget_dropped(story)
        ids = []
        for member in story["members"]:
            marker = self.get(member.id)
            if marker is None or marker["story"] != story["id"]:
                continue
            ids.append(member.id)
            kept = {k: marker[k] for k in ("story", "hash", "changed")}
            self.put(member.id, {**kept, "gone": True})
        if not ids:
            return
        book = self._book()
        self.db.set(f"g:{book['tail']}", {"seq": book["seq"], "ids": ids})
        self.db.set(GONE, {**book, "tail": book["tail"] + 1})

    def tick(self) -> None:
        """One more article: forget the gone markers that are ``horizon`` articles old."""
        book = self._book()
        if book["head"] == book["tail"]:
            return  # nothing kept: nothing to count
        seq, head = book["seq"] + 1, book["head"]
        while head < book["tail"]:
            chunk = self.db.get(f"g:{head}")
            if chunk is not None and seq - int(chunk["seq"]) < self.horizon:
                break
            for article_id in (chunk or {}).get("ids", ()):
                marker = self.get(article_id)
                if marker is not None and marker.get("gone"):
                    self.delete(article_id)
            self.db.delete(f"g:{head}")
            head += 1
        self.db.set(GONE, {**book, "seq": seq, "head": head})

    def _book(self) -> GoneBook:
        return self.db.get(GONE) or {"seq": 0, "head": 0, "tail": 0}
