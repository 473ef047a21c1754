/* dotterel view: shared helpers. Written for this project. Text from the store (articles are
   untrusted) only ever enters the page through textContent or attribute setters, never innerHTML. */
"use strict";

window.dotterel = (function () {
  const SVG_NS = "http://www.w3.org/2000/svg";
  const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
  const QUAD_COLORS = { 1: "#6aa9e0", 2: "#1f5fa8", 3: "#f0a43a", 4: "#c73a2e" };
  const PALETTE = ["#1f5fa8", "#c73a2e", "#2a9d8f", "#f0a43a", "#6a4c93", "#8ab17d", "#e76f51", "#457b9d",
    "#b5838d", "#264653", "#e9c46a", "#9c6644", "#52796f", "#d62828", "#577590", "#a8a8a8"];

  /** An HTML element; children are nodes or strings (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** An SVG element with attributes; `text` sets its text content. */
  function svg(tag, attrs, parent) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === "text") node.textContent = String(value);
      else node.setAttribute(key, String(value));
    }
    if (parent) parent.append(node);
    return node;
  }

  /** The page's filters (its query string) with changes applied; null or "" removes a key. */
  function query(changes) {
    const params = new URLSearchParams(window.location.search);
    params.delete("page");
    for (const [key, value] of Object.entries(changes || {})) {
      params.delete(key);
      if (value === null || value === undefined || value === "") continue;
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
    }
    return params;
  }

  async function getJSON(path, params) {
    const url = params ? `${path}?${params.toString()}` : path;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail || response.statusText);
      throw new Error(detail);
    }
    return body;
  }

  function showError(container, error) {
    container.replaceChildren(el("p", { class: "error", text: `Could not load: ${error.message}` }));
  }

  function groupColor(by, group, index) {
    if (by === "quad") return QUAD_COLORS[group] || "#7a8494";
    return PALETTE[index % PALETTE.length];
  }

  function groupLabel(by, group) {
    return by === "quad" ? `${group} ${QUAD_NAMES[group] || ""}` : group;
  }

  function entityLabel(entity) {
    if (entity.code) return entity.sector ? `${entity.code}/${entity.sector}` : entity.code;
    return `“${entity.entity_text || entity.identifier_text || "?"}”`;
  }

  function sideLabel(list) {
    return list && list.length ? list.map(entityLabel).join(", ") : "–";
  }

  /** A list of events (API records) with links to their evidence pages. */
  function eventList(records) {
    if (!records.length) return el("p", { class: "muted", text: "No events." });
    return el("ul", { class: "panel-list" }, records.map((r) => {
      const type = r.event[0];
      const flags = ["hedged", "negated", "future", "hypothetical"].filter((m) => r.modality && r.modality[m]);
      return el("li", {},
        el("a", { href: `/events/${encodeURIComponent(r.id)}`, class: "event-link" },
          el("span", { class: `type q${r.quad_code}`, text: type })),
        " ",
        el("span", { text: r.date || "undated" }),
        r.date_inherited ? el("span", { class: "tag inherited", text: "inh." }) : null,
        flags.map((f) => el("span", { class: `tag ${f}`, text: f })),
        el("div", { text: `${sideLabel(r.actor)} → ${sideLabel(r.recipient)}` }),
        el("div", { class: "ev", text: r.event_text.length > 200 ? `${r.event_text.slice(0, 199)}…` : r.event_text }));
    }));
  }

  /** A tooltip that follows the pointer inside a positioned container. */
  function tooltip(container) {
    const tip = el("div", { class: "tooltip", hidden: true });
    container.append(tip);
    return {
      show(event, text) {
        const box = container.getBoundingClientRect();
        tip.textContent = text;
        tip.hidden = false;
        const x = Math.min(event.clientX - box.left + 12, box.width - tip.offsetWidth - 4);
        tip.style.left = `${Math.max(0, x)}px`;
        tip.style.top = `${event.clientY - box.top + 12}px`;
      },
      hide() { tip.hidden = true; },
    };
  }

  function focusSentence(id) {
    document.querySelectorAll(".sentence.focus").forEach((s) => s.classList.remove("focus"));
    const target = document.getElementById(id);
    if (target) {
      target.classList.add("focus");
      target.scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    // article page: clicking an event finds its sentence
    document.querySelectorAll("a.jump[data-sentence]").forEach((a) => {
      a.addEventListener("click", () => focusSentence(a.dataset.sentence));
    });
    // event page: scroll the article panel to the evidence sentence
    const panel = document.querySelector(".article-text.scroll");
    const mark = panel && panel.querySelector("mark.hl-evidence");
    if (panel && mark) panel.scrollTop = Math.max(0, mark.offsetTop - panel.offsetTop - 60);
    // chart selects keep their value in the URL (so a link reproduces the view)
    document.querySelectorAll(".chart-controls select").forEach((sel) => {
      const value = new URLSearchParams(window.location.search).get(sel.id);
      if (value && [...sel.options].some((o) => o.value === value)) sel.value = value;
    });
  });

  return { el, svg, query, getJSON, showError, groupColor, groupLabel, entityLabel, sideLabel, eventList, tooltip, QUAD_NAMES, QUAD_COLORS };
})();
