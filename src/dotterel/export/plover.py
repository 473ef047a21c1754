"""PLOVER JSON records (CONTRACT.md field names plus dotterel's evidence fields)."""

from __future__ import annotations

from typing import Any

from dotterel.records import Entity, Event, Location, Mention

CSV_COLUMNS = (
    "id",
    "article_id",
    "date",
    "date_precision",
    "event",
    "mode",
    "context",
    "cameo",
    "quad_code",
    "goldstein",
    "actor_code",
    "actor_sector",
    "actor_text",
    "recipient_code",
    "recipient_sector",
    "recipient_text",
    "place",
    "country_code",
    "lat",
    "lon",
    "confidence",
    "hedged",
    "attributed_to",
    "rule",
    "event_text",
    "start",
    "end",
)


def entity_dict(mention: Mention | None, entity: Entity) -> dict[str, Any]:
    return {
        "entity_text": mention.text if mention is not None else (entity.name or ""),
        "code": entity.code,
        "sector": entity.sector,
        "identifier_text": entity.name,
        "code_inferred": entity.inferred,
    }


def location_dict(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {
        "extracted_place": loc.extracted_place,
        "resolved_place": loc.resolved_place,
        "country_code": loc.country_code,
        "lat": loc.lat,
        "lon": loc.lon,
        "geonameid": loc.geonameid,
        "resolution": loc.resolution,
    }


def to_plover(event: Event) -> dict[str, Any]:
    """The PLOVER record of an event, ready for json.dumps."""
    return {
        "id": event.id,
        "article_id": event.article_id,
        "date": event.date.iso() if event.date else None,
        "date_precision": event.date.precision if event.date else None,
        "event": [event.event],
        "mode": list(event.mode),
        "context": list(event.context),
        "cameo": event.cameo,
        "quad_code": event.quad_code,
        "goldstein": event.goldstein,
        "actor": [entity_dict(m, e) for m, e in event.actor],
        "recipient": [entity_dict(m, e) for m, e in event.recipient],
        "event_loc": location_dict(event.location),
        "event_text": event.event_text,
        "text_info": {
            "sentence": event.text_info.sentence,
            "start": event.text_info.start,
            "end": event.text_info.end,
        },
        "confidence": event.confidence,
        "modality": {
            "attributed_to": event.modality.attributed_to,
            "hedged": event.modality.hedged,
            "negated": event.modality.negated,
            "future": event.modality.future,
            "hypothetical": event.modality.hypothetical,
            "question": event.modality.question,
            "cues": list(event.modality.cues),
        },
        "date_inherited": bool(event.date and event.date.inherited),
        "trace": {"trigger": event.trigger, "rule": event.rule},
        "versions": dict(event.versions),
    }


def to_row(event: Event) -> dict[str, Any]:
    """A flat row for CSV output: first actor and recipient, '|'-joined codes when several."""

    def join(values: list[str | None]) -> str:
        return "|".join(v or "" for v in values)

    loc = event.location
    return {
        "id": event.id,
        "article_id": event.article_id,
        "date": event.date.iso() if event.date else "",
        "date_precision": event.date.precision if event.date else "",
        "event": event.event,
        "mode": join(list(event.mode)),
        "context": join(list(event.context)),
        "cameo": event.cameo or "",
        "quad_code": event.quad_code,
        "goldstein": "" if event.goldstein is None else event.goldstein,
        "actor_code": join([e.code for _, e in event.actor]),
        "actor_sector": join([e.sector for _, e in event.actor]),
        "actor_text": join([m.text if m else e.name for m, e in event.actor]),
        "recipient_code": join([e.code for _, e in event.recipient]),
        "recipient_sector": join([e.sector for _, e in event.recipient]),
        "recipient_text": join([m.text if m else e.name for m, e in event.recipient]),
        "place": loc.resolved_place if loc else "",
        "country_code": loc.country_code if loc else "",
        "lat": loc.lat if loc else "",
        "lon": loc.lon if loc else "",
        "confidence": event.confidence,
        "hedged": event.modality.hedged,
        "attributed_to": event.modality.attributed_to or "",
        "rule": event.rule,
        "event_text": event.event_text,
        "start": event.text_info.start,
        "end": event.text_info.end,
    }
