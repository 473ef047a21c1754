"""`dotterel show`: one event in the terminal, its evidence highlighted, with provenance and sources.

Builds rich renderables from dotterel.store.evidence; never prints (the CLI prints). Every piece of
article text goes in as rich Text, never as markup: articles are untrusted and may hold brackets.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dotterel.store.evidence import QUADS, RESOLUTIONS, EventEvidence, Origin, origin_phrase, segments

STYLES = {
    "trigger": "bold black on yellow",
    "actor": "bold white on blue",
    "recipient": "bold white on magenta",
    "date": "black on green",
    "place": "black on cyan",
}
_ORDER = ("trigger", "actor", "recipient", "date", "place")


def highlighted(ev: EventEvidence, start: int, end: int) -> Text:
    """text[start:end] with the event's spans styled (overlapping spans combine their styles)."""
    out = Text()
    for seg in segments(ev.text, ev.spans, start, end):
        style = " ".join(STYLES[k] for k in _ORDER if k in seg.kinds)
        out.append(seg.text, style=style or None)
    return out


def legend() -> Text:
    out = Text("marks: ")
    for kind in _ORDER:
        out.append(f" {kind} ", style=STYLES[kind])
        out.append(" ")
    return out


def _origin(origin: Origin, what: str) -> Text:
    out = Text(origin_phrase(origin, what))
    if origin.how == "context" and origin.sentence_text:
        quote = _excerpt(origin.sentence_text, origin.text or "")
        out.append(": “")
        if origin.text and origin.text in quote:
            before, _, after = quote.partition(origin.text)
            out.append(before)
            out.append(origin.text, style="bold underline")
            out.append(after)
        else:
            out.append(quote)
        out.append("”")
    return out


def _excerpt(sentence: str, phrase: str, width: int = 200) -> str:
    """The sentence, or `width` characters of it centred on the phrase."""
    if len(sentence) <= width:
        return sentence
    at = max(0, sentence.find(phrase)) if phrase else 0
    start = max(0, min(at - width // 2, len(sentence) - width))
    cut = sentence[start : start + width]
    return ("…" if start else "") + cut + ("…" if start + width < len(sentence) else "")


def _side(ev: EventEvidence, role: str) -> Text:
    pairs = ev.stored.event.actor if role == "actor" else ev.stored.event.recipient
    out = Text()
    if not pairs:
        return Text("-", style="dim")
    for n, (mention, entity) in enumerate(pairs):
        if n:
            out.append("; ")
        written = mention.text if mention is not None else (entity.name or "")
        out.append(f"“{written}”" if written else "(unnamed)", style=STYLES[role])
        out.append(" → ")
        out.append(entity.code or "uncoded", style="bold" if entity.code else "bold red")
        out.append(f"/{entity.sector or '-'}")
        if entity.name and entity.name != written:
            out.append(f" ({entity.name})", style="dim")
        if entity.inferred:
            out.append(" code inferred from the article's focus", style="dim italic")
    return out


def render_event(ev: EventEvidence) -> RenderableType:
    """The whole `show` view of one event."""
    s = ev.stored
    e = s.event
    head = Text()
    head.append(e.event, style="bold")
    head.append(f"  CAMEO {e.cameo or '-'}  quad {e.quad_code} ({QUADS.get(e.quad_code, '?')})")
    if e.goldstein is not None:
        head.append(f"  Goldstein {e.goldstein:+.1f}")
    if e.mode:
        head.append(f"  mode {', '.join(e.mode)}")
    if e.context:
        head.append(f"  context {', '.join(e.context)}")

    art = s.article
    article = Text(f"article {art.id}")
    if art.title:
        article.append(f" “{art.title}”")
    extra = [x for x in (art.source, art.published.isoformat() if art.published else None, art.url) if x]
    if extra:
        article.append(" (" + ", ".join(extra) + ")", style="dim")

    sentence = highlighted(ev, ev.sentence_start, ev.sentence_end)
    evidence = Panel(
        Group(sentence, Text(""), legend()),
        title=f"evidence: sentence {e.text_info.sentence}, characters {e.text_info.start}–{e.text_info.end}",
        title_align="left",
        border_style="dim",
    )

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row("actor", _side(ev, "actor"))
    grid.add_row("recipient", _side(ev, "recipient"))
    if e.date is not None:
        date = Text(f"{e.date.iso()} ({e.date.precision} precision) from “{e.date.text}”, ")
        date.append_text(_origin(ev.date_origin, "date"))
    else:
        date = Text("undated: the text gives no date for this event", style="dim")
    grid.add_row("date", date)
    if e.location is not None:
        loc = e.location
        place = Text(
            f"{loc.resolved_place} ({loc.country_code}, {RESOLUTIONS.get(loc.resolution, loc.resolution)}, "
            f"{loc.lat:.2f}, {loc.lon:.2f}) from “{loc.extracted_place}”, "
        )
        place.append_text(_origin(ev.place_origin, "place"))
    else:
        place = Text("no place", style="dim")
    grid.add_row("place", place)
    grid.add_row("trace", Text(f"trigger “{e.trigger}”, rule {e.rule}"))
    bar = int(round(e.confidence * 20))
    conf = Text(f"{e.confidence:.2f} ")
    conf.append("█" * bar, style="green" if e.confidence >= 0.7 else "yellow" if e.confidence >= 0.5 else "red")
    conf.append("░" * (20 - bar), style="dim")
    grid.add_row("confidence", conf)
    grid.add_row("modality", _modality(ev))

    parts: list[RenderableType] = [head, article, evidence, grid]
    parts.append(_sources(ev))
    if e.versions:
        parts.append(Text("versions: " + ", ".join(f"{k} {v}" for k, v in e.versions), style="dim"))
    return Panel(Group(*parts), title=f"event {e.id}", title_align="left")


def _modality(ev: EventEvidence) -> Text:
    m = ev.stored.event.modality
    flags = [name for name in ("hedged", "negated", "future", "hypothetical") if getattr(m, name)]
    out = Text(", ".join(flags) if flags else "asserted", style="bold yellow" if flags else "")
    if m.cues:
        out.append(f" (cues: {', '.join(m.cues)})")
    if m.attributed_to:
        out.append(f"; attributed to “{m.attributed_to}”")
    return out


def _sources(ev: EventEvidence) -> RenderableType:
    merge = ev.stored.merge
    if merge is None or not ev.sources:
        return Text("merged sources: this report only", style="dim")
    table = Table(
        title=f"merged event {merge.merged_id}: {merge.num_mentions} mentions, {merge.num_articles} articles, "
        f"{merge.num_sources} sources",
        title_justify="left",
        show_lines=False,
    )
    for col in ("event", "article", "source", "published", "evidence"):
        table.add_column(col, overflow="fold", ratio=3 if col == "evidence" else None)
    for src in ev.sources:
        mark = "▶ " if src.event_id == ev.stored.event.id else ""
        table.add_row(
            Text(mark + src.event_id),
            Text(src.article_id),
            Text(src.source or "-"),
            Text(src.published.isoformat() if src.published else "-"),
            Text(src.event_text),
        )
    return table
