"""HTML pages: overview, event list, one event, articles, timeline, network, map, API docs.

Pages are rendered on the server from the same store functions as the API (the event and article
pages need no script at all); the timeline, network and map draw themselves from the API.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from dotterel.store import analysis
from dotterel.store.evidence import (
    QUADS,
    RESOLUTIONS,
    EventEvidence,
    Origin,
    Span,
    article_evidence,
    event_evidence,
    origin_phrase,
    segments,
)
from dotterel.store.query import MODALITIES, PRECISIONS, iter_events
from dotterel.web.api import Page, PerPage, Sort, events_page, open_store
from dotterel.web.filters import MAX_TEXT, FilterParams, filter_params

router = APIRouter(include_in_schema=False)
Filters = Annotated[FilterParams, Depends(filter_params)]


def render(request: Request, name: str, **context: Any) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(name).render(
        request_path=request.url.path,
        quads=QUADS,
        resolutions=RESOLUTIONS,
        modalities=MODALITIES,
        precisions=PRECISIONS,
        safe_url=safe_url,
        qs=_qs,
        **context,
    )
    return HTMLResponse(html)


def safe_url(url: str | None) -> str | None:
    """An article URL usable as a link: http(s) only (never javascript: or data:)."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def _qs(items: list[tuple[str, str]], **changes: Any) -> str:
    """A query string from filter pairs with some keys replaced (None removes)."""
    kept = [(k, v) for k, v in items if k not in changes]
    kept += [(k, str(v)) for k, v in changes.items() if v is not None]
    return urlencode(kept)


def _common(store: Any, params: FilterParams) -> dict[str, Any]:
    return {"params": params, "query": params.query_items(), "options": analysis.options(store)}


# ---- overview ------------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, params: Filters) -> HTMLResponse:
    with open_store(request) as store:
        flt = params.to_filter()
        counts = analysis.reporting(store, flt)
        modality = {m: getattr(counts, m) for m in MODALITIES}
        undated, inherited = counts.undated, counts.inherited
        net = analysis.network(store, flt, top=10)
        plc = analysis.places(store, flt, top=10)
        recent = list(iter_events(store, replace(flt, limit=8), order="-date"))
        return render(
            request,
            "index.html",
            page="overview",
            counts=counts,
            store_counts=analysis.store_counts(store),
            modality=modality,
            undated=undated,
            inherited=inherited,
            edges=_edge_links(net, params),
            places=plc,
            recent=recent,
            **_common(store, params),
        )


def node_param(key: str, role: str) -> tuple[str, str]:
    """The query parameter that selects a network node in a role: actor=IRN or actor_text=..."""
    if key.startswith(analysis.TEXT_KEY):
        return f"{role}_text", key[len(analysis.TEXT_KEY) :]
    return role, key


def _edge_links(net: analysis.Network, params: FilterParams) -> list[tuple[analysis.Edge, str, str]]:
    labels = {n.key: n.label for n in net.nodes}
    out = []
    for edge in net.edges:
        a, r = node_param(edge.source, "actor"), node_param(edge.target, "recipient")
        link = _qs(params.query_items(), **{a[0]: a[1], r[0]: r[1]})
        out.append(
            (edge, f"{labels.get(edge.source, edge.source)} → {labels.get(edge.target, edge.target)}", link)
        )
    return out


# ---- events ----------------------------------------------------------------------------------------


@router.get("/events", response_class=HTMLResponse)
def events_list(
    request: Request, params: Filters, page: Page = 1, per_page: PerPage = 50, sort: Sort = "-date"
) -> HTMLResponse:
    with open_store(request) as store:
        rows, total, pages = events_page(store, params, page=page, per_page=per_page, sort=sort)
        return render(
            request,
            "events.html",
            page="events",
            rows=rows,
            total=total,
            pages=pages,
            current=page,
            per_page=per_page,
            sort=sort,
            **_common(store, params),
        )


@router.get("/events/{event_id:path}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str) -> HTMLResponse:
    with open_store(request) as store:
        ev = event_evidence(store, event_id)
        return render(request, "event.html", page="events", ev=ev, **_event_context(ev))


def _event_context(ev: EventEvidence) -> dict[str, Any]:
    sentence = segments(ev.text, ev.spans, ev.sentence_start, ev.sentence_end)
    article = None
    if ev.whole:
        spans = list(ev.spans)
        spans.append(
            Span(kind="evidence", start=ev.sentence_start, end=ev.sentence_end, text="", label="evidence")
        )
        origins: tuple[tuple[Literal["date", "place"], Origin], ...] = (
            ("date", ev.date_origin),
            ("place", ev.place_origin),
        )
        for kind, origin in origins:
            if origin.how == "context" and origin.char_start is not None and origin.text:
                start = origin.char_start
                if not ev.sentence_start <= start < ev.sentence_end:
                    spans.append(
                        Span(
                            kind=kind,
                            start=start,
                            end=start + len(origin.text),
                            text=origin.text,
                            label=f"{kind} source",
                        )
                    )
        article = segments(ev.text, spans)
    return {
        "sentence_segments": sentence,
        "article_segments": article,
        "date_origin_text": origin_phrase(ev.date_origin, "date"),
        "place_origin_text": origin_phrase(ev.place_origin, "place"),
    }


# ---- articles -------------------------------------------------------------------------------------


@router.get("/articles", response_class=HTMLResponse)
def articles_list(
    request: Request,
    page: Page = 1,
    per_page: PerPage = 50,
    source: Annotated[str | None, Query(max_length=MAX_TEXT)] = None,
    status: Literal["coded", "rejected", "duplicate", ""] | None = None,
) -> HTMLResponse:
    with open_store(request) as store:
        rows, total = analysis.articles(
            store, source=source or None, status=status or None, offset=(page - 1) * per_page, limit=per_page
        )
        query = [(k, v) for k, v in (("source", source), ("status", status)) if v]
        return render(
            request,
            "articles.html",
            page="articles",
            rows=rows,
            total=total,
            pages=max(1, -(-total // per_page)),
            current=page,
            query=query,
            source=source or "",
            status=status or "",
        )


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    with open_store(request) as store:
        av = article_evidence(store, article_id)
        text = av.article.text or ""
        blocks = _article_blocks(text, av.events) if text else []
        return render(request, "article.html", page="articles", av=av, blocks=blocks)


def _article_blocks(text: str, events: tuple[EventEvidence, ...]) -> list[dict[str, Any]]:
    """The article cut into plain stretches and evidence sentences (each with its events and marks)."""
    by_sentence: dict[tuple[int, int], list[EventEvidence]] = {}
    for ev in events:
        if ev.whole:
            by_sentence.setdefault((ev.sentence_start, ev.sentence_end), []).append(ev)
    blocks: list[dict[str, Any]] = []
    at = 0
    for (start, end), evs in sorted(by_sentence.items()):
        if start < at:  # overlapping sentences cannot happen in one coding; keep the text whole if they do
            continue
        if start > at:
            blocks.append({"kind": "text", "text": text[at:start]})
        spans = [s for ev in evs for s in ev.spans if start <= s.start and s.end <= end]
        blocks.append(
            {
                "kind": "sentence",
                "start": start,
                "segments": segments(text, spans, start, end),
                "events": [ev.stored for ev in evs],
            }
        )
        at = end
    if at < len(text):
        blocks.append({"kind": "text", "text": text[at:]})
    return blocks


# ---- charts ----------------------------------------------------------------------------------------


@router.get("/timeline", response_class=HTMLResponse)
def timeline_page(request: Request, params: Filters) -> HTMLResponse:
    with open_store(request) as store:
        return render(request, "timeline.html", page="timeline", **_common(store, params))


@router.get("/network", response_class=HTMLResponse)
def network_page(request: Request, params: Filters) -> HTMLResponse:
    with open_store(request) as store:
        return render(request, "network.html", page="network", **_common(store, params))


@router.get("/map", response_class=HTMLResponse)
def map_page(request: Request, params: Filters) -> HTMLResponse:
    with open_store(request) as store:
        return render(request, "map.html", page="map", **_common(store, params))


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request) -> HTMLResponse:
    """The API's endpoints and parameters, from the OpenAPI document (no CDN-hosted docs UI)."""
    spec = request.app.openapi()
    endpoints = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": [
                        (p["name"], p.get("in", ""), p.get("description", ""), p.get("required", False))
                        for p in op.get("parameters", [])
                    ],
                }
            )
    return render(request, "docs.html", page="docs", endpoints=endpoints)
