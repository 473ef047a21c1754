"""End to end in Debian's Chromium (headless), driven by Playwright: every page opens and draws,
an event's evidence is highlighted, and article text with script in it stays text.

Chromium comes from Debian (`make test` installs it when /usr/bin/chromium is missing); Playwright
never downloads a browser here. Screenshots go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from .conftest import IMG, SCRIPT, UNCODED

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(view_db):
    """The view on a free loopback port, served by uvicorn in a thread."""
    import uvicorn

    from dotterel.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(view_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make test` installs it (apt-get install chromium)")
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser):
    """A fresh page that records script errors, dialogs and alert() calls."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.problems = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("console", lambda m: pg.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.add_init_script("window.__alerts = []; window.alert = (m) => window.__alerts.push(String(m));")
    yield pg
    context.close()


def shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_every_page_opens_without_script_errors(server, page):
    for path, name in (("/", "overview"), ("/events", "events"), ("/articles", "articles"), ("/docs", "docs")):
        response = page.goto(server + path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        shot(page, name)
    assert page.problems == []


def test_clicking_an_event_shows_its_evidence_highlighted(server, page, view_db):
    from dotterel.store.db import Store
    from dotterel.store.query import EventFilter, iter_events

    page.goto(server + "/events?place=Baghdad&date_origin=own")
    page.locator("a.event-link").first.click()
    page.wait_for_url("**/events/*")
    evidence = page.locator("#evidence")
    for kind in ("trigger", "actor", "recipient", "date", "place"):
        assert evidence.locator(f"mark.hl-{kind}").count() >= 1, kind
    shown = page.url.rsplit("/", 1)[-1]
    with Store.open(view_db, readonly=True) as store:
        [stored] = [s.event for s in iter_events(store, EventFilter()) if s.event.id == shown]
    trigger = evidence.locator("mark.hl-trigger").first
    assert trigger.is_visible() and trigger.inner_text() == stored.trigger
    colour = trigger.evaluate("m => getComputedStyle(m).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert "its own phrase" in page.locator("dl.facts").first.inner_text()
    shot(page, "event")
    assert page.problems == []


def test_timeline_draws_bars_and_bands_from_the_demo_store(server, page):
    page.goto(server + "/timeline?interval=week&scale=count")
    page.wait_for_selector("#timeline[data-ready='1'] svg")
    assert page.locator("#timeline rect.bar").count() >= 3
    assert page.locator("#timeline rect.span-band").count() >= 3  # month-dated events as bands
    assert "month only" in page.locator("#timeline svg").text_content()
    shot(page, "timeline")
    page.locator("#timeline rect.bar").first.click()
    page.wait_for_url("**/events?*")
    assert page.locator("a.event-link").count() >= 1
    assert page.problems == []


def test_network_draws_edges_and_a_click_lists_the_dyads_events(server, page):
    page.goto(server + "/network")
    page.wait_for_selector("#network[data-ready='1'] svg")
    assert page.locator("#network path.edge").count() >= 5
    assert page.locator("#network g.node").count() >= 5
    assert page.locator("#network g.node.uncoded").count() == 1
    page.locator("#network path.edge[data-source='IRN'][data-target='IRQ']").first.dispatch_event("click")
    page.wait_for_selector("#edge-panel ul.panel-list li")
    assert "IRN → IRQ" in page.locator("#edge-panel h2").first.inner_text()
    page.wait_for_selector("#dyad-chart svg")
    shot(page, "network")
    assert page.problems == []


def test_map_draws_outlines_and_places_and_a_click_lists_events(server, page):
    page.goto(server + "/map")
    page.wait_for_selector("#map[data-ready='1'] svg")
    assert page.locator("#map path.country").count() > 150
    assert page.locator("#map circle.place").count() >= 3
    assert page.locator("#map path.country[data-iso3='IRN']").get_attribute("fill") != "#d9e0e6"  # shaded
    shot(page, "map")
    page.locator("#map circle.place[data-place='Baghdad']").dispatch_event("click")
    page.wait_for_selector("#place-panel ul.panel-list li")
    assert page.locator("#place-panel ul.panel-list li").count() >= 1
    assert page.problems == []


def test_article_page_marks_every_event_and_finds_a_clicked_one(server, page):
    page.goto(server + "/articles/iran-iraq-2025-01-10")
    sentences = page.locator("#article-text .sentence")
    assert sentences.count() >= 10
    page.locator("a.jump").nth(3).click()
    page.wait_for_selector("#article-text .sentence.focus")
    assert page.locator("#article-text .sentence.focus mark.hl-trigger").count() >= 1
    shot(page, "article")
    assert page.problems == []


def test_script_in_an_article_renders_as_text_and_never_runs(server, page, xss_event_id, uncoded_event_id):
    for path in (
        f"/events/{xss_event_id}",
        "/articles/xss-article",
        f"/events/{uncoded_event_id}",
        "/network",
        "/",
    ):
        page.goto(server + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__alerts") == [], path
        assert page.locator("img[src='x']").count() == 0, path
    page.goto(server + f"/events/{xss_event_id}")
    text = page.locator("#evidence").inner_text()
    assert SCRIPT in text and IMG in text
    assert SCRIPT + IMG in page.locator("dl.facts").nth(2).inner_text()  # the title, as text
    page.goto(server + "/articles/xss-article")
    assert SCRIPT in page.locator("h1").inner_text()
    assert page.locator("a[href^='javascript']").count() == 0
    shot(page, "xss-article")
    page.goto(server + "/network")
    page.wait_for_selector("#network[data-ready='1'] svg")
    assert UNCODED in page.locator("#network svg").text_content()
    assert page.dialogs == [] and page.evaluate("window.__alerts") == []
