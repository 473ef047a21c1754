"""The JSON API under /api/ (documented by /openapi.json). Read-only; every query is parameterised."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from dotterel.store import analysis
from dotterel.store.db import Store
from dotterel.store.evidence import article_evidence, event_evidence
from dotterel.store.query import FilterFields, count_events, page_events, stats
from dotterel.web.filters import MAX_PER_PAGE, MAX_TEXT, FilterParams, filter_params
from dotterel.web.serialize import article_dict, event_record, evidence_dict, plain

router = APIRouter(prefix="/api", tags=["api"])

Filters = Annotated[FilterParams, Depends(filter_params)]
Page = Annotated[int, Query(ge=1, le=1_000_000, description="page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE, description=f"rows per page (at most {MAX_PER_PAGE})")]
Sort = Literal["date", "-date", "confidence", "-confidence", "stored"]
Interval = Literal["day", "week", "month", "year"]
By = Literal["quad", "event"]
Level = Literal["country", "sector"]
NodeKey = Annotated[str, Query(min_length=1, max_length=MAX_TEXT, description="a node key from /api/network")]


@contextmanager
def open_store(request: Request) -> Iterator[Store]:
    """The store, opened read-only (SQLite mode=ro) for this request only."""
    store = Store.open(request.app.state.db_path, readonly=True)
    try:
        yield store
    finally:
        store.close()


def events_page(
    store: Store, params: FilterParams, *, page: int, per_page: int, sort: str
) -> tuple[list[Any], int, int]:
    """One page of stored events (newest first by default) and the total; (events, total, pages)."""
    flt = params.to_filter()
    total = count_events(store, flt)
    pages = max(1, -(-total // per_page))
    rows = page_events(store, flt, order=sort, offset=(page - 1) * per_page, limit=per_page)
    return rows, total, pages


@router.get("/events", summary="Events matching the filters of `dotterel events`, paginated")
def api_events(
    request: Request, params: Filters, page: Page = 1, per_page: PerPage = 50, sort: Sort = "-date"
) -> dict[str, Any]:
    """`{"events": [PLOVER records], "total": N, "page", "per_page", "pages"}`. Newest first by default;
    undated events come last."""
    with open_store(request) as store:
        rows, total, pages = events_page(store, params, page=page, per_page=per_page, sort=sort)
        return {
            "events": [event_record(s) for s in rows],
            "total": total,
            "page": page,
            "per_page": per_page,
            "pages": pages,
            "filters": dict(params.query_items()),
        }


@router.get("/events/{event_id:path}", summary="One event with its evidence spans, provenance and merged sources")
def api_event(request: Request, event_id: str) -> dict[str, Any]:
    with open_store(request) as store:
        return evidence_dict(event_evidence(store, event_id))


@router.get("/articles", summary="Stored articles, newest first, paginated")
def api_articles(
    request: Request,
    page: Page = 1,
    per_page: PerPage = 50,
    source: Annotated[str | None, Query(max_length=MAX_TEXT)] = None,
    status: Literal["coded", "rejected", "duplicate"] | None = None,
) -> dict[str, Any]:
    with open_store(request) as store:
        rows, total = analysis.articles(
            store, source=source or None, status=status, offset=(page - 1) * per_page, limit=per_page
        )
        return {"articles": plain(rows), "total": total, "page": page, "per_page": per_page}


@router.get("/articles/{article_id:path}", summary="One article: its text and all its events with their spans")
def api_article(request: Request, article_id: str) -> dict[str, Any]:
    with open_store(request) as store:
        return article_dict(article_evidence(store, article_id))


@router.get("/timeline", summary="Events per day, week, month or year by quad code or event type")
def api_timeline(
    request: Request, params: Filters, interval: Interval = "month", by: By = "quad"
) -> dict[str, Any]:
    """Bins hold events dated at least as finely as the interval, with the number of articles published
    in the period (to normalise by). Coarser-dated events are `spans` over their whole month or year."""
    with open_store(request) as store:
        return _timeline_dict(analysis.timeline(store, params.to_filter(), interval=interval, by=by))


def _timeline_dict(t: analysis.Timeline) -> dict[str, Any]:
    out = plain(t)
    for b in out["bins"] + out["spans"]:
        b["counts"] = dict(b["counts"])
    for span, precision in zip(out["spans"], t.span_precision, strict=True):
        span["precision"] = precision
    del out["span_precision"]
    return out


@router.get("/network", summary="The actor network: directed, weighted actor → recipient edges")
def api_network(
    request: Request,
    params: Filters,
    level: Level = "country",
    top: Annotated[int, Query(ge=1, le=500, description="keep the heaviest edges")] = 150,
) -> dict[str, Any]:
    """Nodes are codes (IRN), code/sector (IRN/GOV) or `text:` + the text of an uncoded actor.
    `coop_conflict` runs from -1 (material conflict) to +1 (material cooperation)."""
    with open_store(request) as store:
        return plain(analysis.network(store, params.to_filter(), level=level, top=top))


@router.get("/actors", summary="Actors with their event counts and counterparts")
def api_actors(
    request: Request,
    params: Filters,
    level: Level = "country",
    top: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    with open_store(request) as store:
        return {"actors": plain(analysis.actors(store, params.to_filter(), level=level, top=top))}


@router.get("/dyads/series", summary="A dyad's events over time, by quad code or event type")
def api_dyad_series(
    request: Request,
    params: Filters,
    actor_node: NodeKey,
    recipient_node: NodeKey,
    interval: Interval = "month",
    by: By = "quad",
) -> dict[str, Any]:
    """The timeline of events that `actor_node` directs at `recipient_node` (node keys of /api/network)."""
    fields: FilterFields = {
        **analysis.actor_filter_fields(actor_node, "actor"),
        **analysis.actor_filter_fields(recipient_node, "recipient"),
    }
    with open_store(request) as store:
        flt = replace(params.to_filter(), **fields)
        out = _timeline_dict(analysis.timeline(store, flt, interval=interval, by=by))
        out["actor_node"], out["recipient_node"] = actor_node, recipient_node
        return out


@router.get("/places", summary="Event places with counts and resolution")
def api_places(
    request: Request, params: Filters, top: Annotated[int, Query(ge=1, le=2000)] = 500
) -> dict[str, Any]:
    with open_store(request) as store:
        out = plain(analysis.places(store, params.to_filter(), top=top))
        out["countries"] = dict(out["countries"])
        return out


@router.get("/stats", summary="Counts of articles and events, by type, quad code, dyad and month")
def api_stats(request: Request, params: Filters) -> dict[str, Any]:
    with open_store(request) as store:
        return plain(stats(store, params.to_filter()))


@router.get("/reporting", summary="How the events are reported: modality, date origin and precision")
def api_reporting(request: Request, params: Filters) -> dict[str, Any]:
    with open_store(request) as store:
        out = plain(analysis.reporting(store, params.to_filter()))
        for name in ("by_precision", "by_type", "by_quad"):
            out[name] = dict(out[name])
        return out


@router.get("/options", summary="Values present in the store (for filter forms)")
def api_options(request: Request) -> dict[str, Any]:
    with open_store(request) as store:
        return plain(analysis.options(store))
