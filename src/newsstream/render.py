"""Readable terminal output of story records (rich)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from newsstream.models import StoryRecord


def _when(record_time: object) -> str:
    return f"{record_time:%Y-%m-%d %H:%M}" if hasattr(record_time, "strftime") else str(record_time)


def story_panel(record: StoryRecord) -> Panel:
    """One story: headline, languages, sources, entities, timeline and articles."""
    meta = Table.grid(padding=(0, 2))
    meta.add_column(style="bold cyan")
    meta.add_column()
    meta.add_row("story", f"{record.story_id}  v{record.version}  ({record.status})")
    meta.add_row("languages", ", ".join(record.languages))
    meta.add_row("sources", ", ".join(record.sources) or "-")
    meta.add_row(
        "articles", f"{record.article_count} ({record.duplicate_count} near-duplicate copies)"
    )
    meta.add_row("entities", ", ".join(f"{e.name} [{e.type}]" for e in record.entities[:8]) or "-")
    if record.merged_from:
        meta.add_row("merged from", ", ".join(record.merged_from))

    timeline = Tree(Text("timeline", style="bold"))
    for event in record.events:
        who = ", ".join(event.actors) or "-"
        org = f" @ {event.organization}" if event.organization else ""
        role = f" ({event.role})" if event.role else ""
        node = timeline.add(
            f"{_when(event.occurred_at)}  [bold]{event.type}[/bold]: {who}{org}{role}  "
            f"[dim]{len(event.article_ids)} article(s), {event.sources} source(s), "
            f"confidence {event.confidence:.2f}[/dim]"
        )
        for evidence in event.evidence[:1]:  # the supporting sentence, with its article
            node.add(Text(f"“{evidence.sentence}” — {evidence.article_id}", style="italic dim"))
    if not record.events:
        timeline.add("[dim]no events extracted[/dim]")

    articles = Tree(Text("articles", style="bold"))
    for ref in record.articles:
        dup = f" [yellow]copy of {ref.duplicate_of}[/yellow]" if ref.duplicate_of else ""
        articles.add(
            f"{_when(ref.published_at)}  [{ref.language}] {ref.title} "
            f"[dim]— {ref.source or 'unknown'}[/dim]{dup}"
        )
    return Panel(
        Group(meta, timeline, articles),
        title=Text(record.headline, style="bold green"),
        title_align="left",
    )


def print_stories(records: Iterable[StoryRecord], console: Console | None = None) -> None:
    out = console or Console()
    for record in records:
        out.print(story_panel(record))


def story_line(record: StoryRecord) -> str:
    """One line per record for ``newsstream stories`` in follow mode."""
    return (
        f"{record.story_id} v{record.version} {record.status:<7} "
        f"{record.article_count:>3} art. [{','.join(record.languages)}] {record.headline}"
    )
