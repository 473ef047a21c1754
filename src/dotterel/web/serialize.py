"""Store records as JSON-ready dicts for the API (PLOVER field names, plus the view's extras)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from dotterel.store.evidence import (
    QUADS,
    RESOLUTIONS,
    ArticleEvidence,
    EventEvidence,
    Origin,
    Span,
    origin_phrase,
)
from dotterel.store.exporting import plover_record
from dotterel.store.query import SourceRef, StoredEvent


def plain(value: Any) -> Any:
    """Dataclasses, tuples and dates as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def event_record(stored: StoredEvent) -> dict[str, Any]:
    """The PLOVER record of `dotterel events --format plover`, with full modality and the view's links."""
    record = plover_record(stored)
    e = stored.event
    record["modality"].update(future=e.modality.future, hypothetical=e.modality.hypothetical)
    record["quad_name"] = QUADS.get(e.quad_code)
    if e.location is not None and record.get("event_loc"):
        record["event_loc"]["resolution_name"] = RESOLUTIONS.get(e.location.resolution)
    record["date_text"] = e.date.text if e.date else None
    record["article"]["id"] = e.article_id
    record["article"]["title"] = stored.article.title
    record["links"] = {"html": f"/events/{e.id}", "article": f"/articles/{e.article_id}"}
    return record


def span_dict(span: Span, base: int = 0) -> dict[str, Any]:
    return {
        "kind": span.kind,
        "start": span.start - base,
        "end": span.end - base,
        "text": span.text,
        "label": span.label,
    }


def origin_dict(origin: Origin, what: str) -> dict[str, Any]:
    out = plain(origin)
    out["description"] = origin_phrase(origin, what)
    return out


def source_dict(src: SourceRef) -> dict[str, Any]:
    out = plain(src)
    out["links"] = {"html": f"/events/{src.event_id}", "article": f"/articles/{src.article_id}"}
    return out


def evidence_dict(ev: EventEvidence) -> dict[str, Any]:
    """GET /api/events/{id}: the record, the evidence sentence with its spans, provenance, sources."""
    record = event_record(ev.stored)
    s0, s1 = ev.sentence_start, ev.sentence_end
    record["evidence"] = {
        "sentence": ev.text[s0:s1],
        "article_start": record["text_info"]["start"],
        "spans": [span_dict(s, s0) for s in ev.spans],
        "note": "span offsets are characters in `sentence`",
    }
    record["provenance"] = {
        "date": origin_dict(ev.date_origin, "date"),
        "place": origin_dict(ev.place_origin, "place"),
    }
    record["sources"] = [source_dict(s) for s in ev.sources]
    return record


def article_dict(av: ArticleEvidence) -> dict[str, Any]:
    """GET /api/articles/{id}: the article, its text and every event with spans in article offsets."""
    art = plain(av.article)
    art["events"] = []
    for ev in av.events:
        record = event_record(ev.stored)
        record["spans"] = [span_dict(s) for s in ev.spans] if ev.whole else []
        art["events"].append(record)
    return art
