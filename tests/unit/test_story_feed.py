"""The story page's feed: latest record per story, newest first, bounded; served as JSON."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp.test_utils import TestClient, TestServer

from newsstream.settings import Settings
from newsstream.stream.story_server import story_app
from newsstream.web.feed import StoryFeed
from newsstream.web.pages import CSP


def record(story_id: str, version: int, last: str, **extra: Any) -> bytes:
    value = {
        "story_id": story_id,
        "version": version,
        "status": "new" if version == 1 else "updated",
        "headline": f"{story_id} v{version}",
        "last_published_at": last,
        **extra,
    }
    return orjson.dumps(value)


def ids(feed: StoryFeed) -> list[str]:
    return [r["story_id"] for r in feed.stories()]


def test_the_latest_version_of_each_story_newest_first() -> None:
    feed = StoryFeed()
    feed.add(record("a", 1, "2023-11-17T10:00:00Z"))
    feed.add(record("b", 1, "2023-11-18T10:00:00Z"))
    feed.add(record("a", 2, "2023-11-19T10:00:00Z"))
    assert ids(feed) == ["a", "b"]
    assert feed.stories()[0]["headline"] == "a v2"


def test_an_older_version_changes_nothing() -> None:
    feed = StoryFeed()
    feed.add(record("a", 3, "2023-11-19T10:00:00Z"))
    seq = feed.seq
    assert not feed.add(record("a", 2, "2023-11-18T10:00:00Z"))
    assert feed.seq == seq and feed.stories()[0]["version"] == 3


def test_a_merged_story_leaves_the_page() -> None:
    feed = StoryFeed()
    feed.add(record("a", 1, "2023-11-17T10:00:00Z"))
    feed.add(record("b", 1, "2023-11-18T10:00:00Z"))
    merged = orjson.loads(record("a", 2, "2023-11-17T10:00:00Z"))
    merged.update(status="merged", merged_into="b")
    feed.add(orjson.dumps(merged))
    assert ids(feed) == ["b"]


def test_the_feed_is_bounded_and_forgets_the_least_recently_changed() -> None:
    feed = StoryFeed(limit=2)
    feed.add(record("a", 1, "2023-11-17T10:00:00Z"))
    feed.add(record("b", 1, "2023-11-18T10:00:00Z"))
    feed.add(record("a", 2, "2023-11-17T11:00:00Z"))
    feed.add(record("c", 1, "2023-11-16T10:00:00Z"))
    assert sorted(ids(feed)) == ["a", "c"]


def test_unreadable_values_are_ignored() -> None:
    feed = StoryFeed()
    for value in (None, b"{broken", b"[]", b'{"version": 1}'):
        assert not feed.add(value)
    assert len(feed) == 0 and feed.seq == 0


def test_fields_added_later_reach_the_page_unchanged() -> None:
    feed = StoryFeed()
    evidence = [{"article_id": "a-1", "sentence": "The board removed him."}]
    feed.add(record("a", 1, "2023-11-17T10:00:00Z", events=[{"evidence": evidence}]))
    assert feed.stories()[0]["events"][0]["evidence"] == evidence


def test_json_says_only_seq_when_nothing_changed() -> None:
    feed = StoryFeed()
    feed.add(record("a", 1, "2023-11-17T10:00:00Z"))
    assert orjson.loads(feed.to_json(since=feed.seq)) == {"seq": 1}
    assert len(orjson.loads(feed.to_json(since=0))["stories"]) == 1


async def test_the_topic_server_serves_page_script_and_json() -> None:
    feed = StoryFeed()
    feed.add(record("a", 1, "2023-11-17T10:00:00Z"))
    async with TestClient(TestServer(story_app(feed))) as client:
        page = await client.get("/stories")
        assert page.status == 200 and page.content_type == "text/html"
        assert page.headers["Content-Security-Policy"] == CSP
        assert '<script src="stories.js"' in await page.text()
        script = await client.get("/stories.js")
        assert script.content_type == "text/javascript"
        assert "innerHTML" not in (await script.text()).replace("never with innerHTML", "")
        data = await (await client.get("/stories.json")).json()
        assert [s["story_id"] for s in data["stories"]] == ["a"]
        unchanged = await (await client.get(f"/stories.json?since={data['seq']}")).json()
        assert unchanged == {"seq": data["seq"]}


def test_the_page_limit_is_a_setting() -> None:
    assert Settings(story_page_limit=5).story_page_limit == 5


def test_offered_records_are_parsed_only_when_the_page_asks() -> None:
    feed = StoryFeed()
    feed.offer(b"a", b"{not parsed yet")  # the worker's hot path never parses
    feed.offer(b"a", record("a", 2, "2023-11-17T10:00:00Z"))  # the later one replaces it
    feed.offer(b"b", record("b", 1, "2023-11-18T10:00:00Z"))
    feed.offer(b"c", None)
    assert feed.seq == 3
    assert ids(feed) == ["b", "a"]
    assert feed.stories()[1]["version"] == 2


def test_offered_records_wait_in_a_bounded_buffer() -> None:
    feed = StoryFeed(limit=2)
    for n in range(5):
        feed.offer(f"s{n}".encode(), record(f"s{n}", 1, f"2023-11-1{n}T10:00:00Z"))
    assert ids(feed) == ["s4", "s3"]
