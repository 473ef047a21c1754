"""The web view's API and pages through FastAPI's TestClient: answers, filters, bounds, safety."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from dotterel.web.app import create_app

from .conftest import SCRIPT, UNCODED, event_ids

PAGES = ("/", "/events", "/timeline", "/network", "/map", "/articles", "/docs")


@pytest.fixture(scope="module")
def client(view_db):
    with TestClient(create_app(view_db)) as c:
        yield c


def test_events_answer_has_the_contract_shape_and_pages_add_up(client, view_db):
    first = client.get("/api/events", params={"per_page": 5}).json()
    assert first["total"] == len(event_ids(view_db)) and first["page"] == 1 and len(first["events"]) == 5
    seen = []
    for page in range(1, first["pages"] + 1):
        seen += [e["id"] for e in client.get("/api/events", params={"per_page": 5, "page": page}).json()["events"]]
    assert sorted(seen) == sorted(event_ids(view_db))
    record = first["events"][0]
    for field in ("id", "article_id", "date", "event", "cameo", "quad_code", "actor", "recipient", "event_text"):
        assert field in record


def test_page_sizes_are_bounded(client):
    assert client.get("/api/events", params={"per_page": 1000}).status_code == 422
    assert client.get("/api/events", params={"page": 0}).status_code == 422
    assert client.get("/api/network", params={"top": 100000}).status_code == 422
    assert client.get("/api/events", params={"text": "x" * 5000}).status_code in (414, 422)


def test_api_filters_select_the_same_events_as_the_store_query(client, view_db):
    from dotterel.store.query import parse_actor

    cases = [
        ({"country": "IRQ"}, {"country": "IRQ"}),
        ({"place": "tehran"}, {"place": "tehran"}),
        ({"min_confidence": "0.75"}, {"min_confidence": 0.75}),
        ({"modality": "hedged"}, {"modality": ("hedged",)}),
        ({"precision": ["month", "none"]}, {"precision": ("month", "none")}),
        ({"date_origin": "inherited"}, {"inherited": True}),
        ({"article": "tehran-meeting"}, {"article": "tehran-meeting"}),
        ({"actor": "IRN/GOV"}, {"actor": parse_actor("IRN/GOV")}),
        ({"actor_text": UNCODED}, {"actor_text": UNCODED}),
    ]
    for params, fields in cases:
        got = client.get("/api/events", params={**params, "per_page": 200}).json()
        expected = event_ids(view_db, **fields)
        assert expected, params
        assert sorted(e["id"] for e in got["events"]) == sorted(expected), params


def test_an_event_comes_with_evidence_spans_provenance_and_sources(client, hedged_event_id):
    record = client.get(f"/api/events/{hedged_event_id}").json()
    sentence = record["evidence"]["sentence"]
    kinds = {s["kind"] for s in record["evidence"]["spans"]}
    assert {"trigger", "actor", "recipient"} <= kinds
    for span in record["evidence"]["spans"]:
        assert sentence[span["start"] : span["end"]] == span["text"]
    assert record["provenance"]["date"]["how"] == "context" and record["provenance"]["date"]["sentence"] == 1
    assert record["modality"]["hedged"] is True
    assert record["sources"] and record["sources"][0]["event_id"] == record["id"]


def test_a_merged_event_lists_every_report(client, view_db):
    reports = [
        e
        for e in client.get("/api/events", params={"per_page": 200}).json()["events"]
        if e["merged"]["num_articles"] > 1
    ]
    assert reports, "the demo store reports the Tehran meeting twice"
    record = client.get(f"/api/events/{reports[0]['id']}").json()
    assert len({s["article_id"] for s in record["sources"]}) == reports[0]["merged"]["num_articles"]


def test_an_uncoded_actor_keeps_its_text_everywhere(client, uncoded_event_id):
    record = client.get(f"/api/events/{uncoded_event_id}").json()
    assert record["actor"][0]["code"] is None and record["actor"][0]["entity_text"] == UNCODED
    nodes = {n["key"]: n for n in client.get("/api/network").json()["nodes"]}
    assert nodes[f"text:{UNCODED.lower()}"]["coded"] is False
    assert nodes[f"text:{UNCODED.lower()}"]["label"] == UNCODED
    series = client.get(
        "/api/dyads/series", params={"actor_node": f"text:{UNCODED.lower()}", "recipient_node": "ISR"}
    ).json()
    assert sum(sum(b["counts"].values()) for b in series["bins"]) == 1
    assert UNCODED in client.get(f"/events/{uncoded_event_id}").text


def test_timeline_keeps_coarse_dates_out_of_finer_bins(client):
    weekly = client.get("/api/timeline", params={"interval": "week"}).json()
    assert {s["precision"] for s in weekly["spans"]} == {"month"}
    assert all(b["start"] >= "2025-01-01" for b in weekly["bins"])  # the 2022/2023 month-dated events are spans
    monthly = client.get("/api/timeline", params={"interval": "month", "by": "event"}).json()
    assert not monthly["spans"] and "CONSULT" in monthly["groups"]
    assert any(b["articles"] == 3 for b in monthly["bins"])  # January 2025: three articles published


def test_network_edges_are_directed_and_coloured_by_cooperation(client):
    net = client.get("/api/network").json()
    edge = {(e["source"], e["target"]): e for e in net["edges"]}
    assert ("IRN", "IRQ") in edge and ("IRQ", "IRN") in edge
    assert -1 <= edge[("IRN", "IRQ")]["coop_conflict"] <= 1
    assert sum(edge[("IRN", "IRQ")]["quads"]) == edge[("IRN", "IRQ")]["n"]


def test_places_actors_articles_and_stats(client):
    places = client.get("/api/places").json()
    tehran = next(p for p in places["places"] if p["place"] == "Tehran")
    assert tehran["resolution"] == 4 and places["countries"]["IRN"] >= tehran["n"]
    actors = client.get("/api/actors").json()["actors"]
    irq = next(a for a in actors if a["key"] == "IRQ")
    assert irq["targets"] and irq["sources"]
    article = client.get("/api/articles/tehran-meeting").json()
    assert article["text"].startswith("Iraqi") and article["events"]
    assert all(article["text"][s["start"] : s["end"]] == s["text"] for e in article["events"] for s in e["spans"])
    assert client.get("/api/articles").json()["total"] == 3
    assert client.get("/api/stats").json()["events"] == client.get("/api/events").json()["total"]


def test_openapi_documents_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/events", "/api/events/{event_id}", "/api/network", "/api/timeline", "/api/places"):
        assert path in paths
    assert "country" in {p["name"] for p in paths["/api/events"]["get"]["parameters"]}


def test_every_page_renders_and_loads_nothing_from_elsewhere(client, xss_event_id):
    for path in (*PAGES, f"/events/{xss_event_id}", "/articles/iran-iraq-2025-01-10"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        for ref in re.findall(r'(?:src|href)="([^"]+)"', response.text):
            if ref.endswith(".js") or ref.endswith(".css"):
                assert ref.startswith("/static/"), (path, ref)


def test_article_text_is_escaped_on_the_event_and_article_pages(client, xss_event_id):
    for path in (f"/events/{xss_event_id}", "/articles/xss-article", "/events", "/"):
        html = client.get(path).text
        assert SCRIPT not in html and "<img src=x" not in html, path
    html = client.get(f"/events/{xss_event_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html and 'href="javascript:' not in client.get("/articles/xss-article").text


def test_unknown_ids_are_404_and_bad_values_400(client):
    assert client.get("/api/events/no-such-event").status_code == 404
    assert client.get("/events/no-such-event").status_code == 404
    assert client.get("/articles/no-such-article").status_code == 404
    bad = client.get("/api/events", params={"country": "Iraq"})
    assert bad.status_code == 400 and "ISO 3166" in bad.json()["detail"]
    assert client.get("/api/events", params={"modality": "maybe"}).status_code == 400
    assert client.get("/events", params={"min_confidence": "high"}).status_code == 400
    assert "view.db" not in client.get("/api/events/no-such-event").text  # no server paths


INJECTIONS = (
    "' OR '1'='1",
    "IRN' OR 1=1 --",
    '" OR ""="',
    "1; DROP TABLE events; --",
    "%' UNION SELECT name, sql FROM sqlite_master --",
    "\\x00'",
    "*) OR (1=1",
)
FILTERS = (
    "since", "until", "actor", "recipient", "actor_text", "recipient_text", "event", "cameo", "quad", "source",
    "article", "text", "country", "place", "min_confidence", "modality", "precision", "date_origin",
)  # fmt: skip


def test_sql_injection_in_every_filter_is_answered_safely(client, view_db):
    before = hashlib.sha256(view_db.read_bytes()).hexdigest()
    total = client.get("/api/events").json()["total"]
    for name in FILTERS:
        for attack in INJECTIONS:
            for path in ("/api/events", "/api/network", "/api/timeline", "/api/places", "/events"):
                response = client.get(path, params={name: attack})
                assert response.status_code in (200, 400, 422), (path, name, attack, response.text[:200])
                if path == "/api/events" and response.status_code == 200:
                    found = response.json()
                    if name == "text":  # full-text search for the words themselves ("or", "1", ...)
                        assert found["total"] < total
                        assert all(attack.split()[1].lower() in e["event_text"].lower() for e in found["events"])
                    else:
                        assert found["total"] == 0, (name, attack)
    for attack in INJECTIONS:
        assert client.get(f"/api/events/{attack}").status_code == 404
        assert client.get(f"/articles/{attack}").status_code == 404
        r = client.get("/api/dyads/series", params={"actor_node": attack, "recipient_node": "IRQ"})
        assert r.status_code in (200, 400), attack
    assert client.get("/api/events").json()["total"] == total
    assert hashlib.sha256(view_db.read_bytes()).hexdigest() == before


def test_the_view_is_read_only(client, view_db):
    before = hashlib.sha256(view_db.read_bytes()).hexdigest()
    assert client.post("/api/events", json={}).status_code == 405
    assert client.delete("/api/events/iran-iraq-2025-01-10-000-000").status_code == 405
    for path in PAGES:
        client.get(path)
    assert hashlib.sha256(view_db.read_bytes()).hexdigest() == before


def test_the_server_opens_the_store_read_only(view_db, monkeypatch):
    from dotterel.store.db import Store

    opened = []
    real = Store.open.__func__

    def spy(cls, path, *, readonly=False):
        opened.append(readonly)
        return real(cls, path, readonly=readonly)

    monkeypatch.setattr(Store, "open", classmethod(spy))
    with TestClient(create_app(view_db)) as c:
        assert c.get("/api/events").status_code == 200
        assert c.get("/").status_code == 200
    assert opened and all(opened)
