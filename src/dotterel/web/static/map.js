/* dotterel view: the map (Natural Earth outlines, Equal Earth projection, event places). */
"use strict";

(function () {
  const { el, svg, query, getJSON, showError, tooltip, eventList } = window.dotterel;
  const RESOLUTION = { 1: "country", 2: "region", 3: "district", 4: "city", 5: "site" };

  /** Equal Earth projection (Šavrič, Patterson, Jenny 2018), unit scale. */
  function equalEarth(lon, lat) {
    const A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796;
    const M = Math.sqrt(3) / 2;
    const lam = (lon * Math.PI) / 180;
    const theta = Math.asin(M * Math.sin((lat * Math.PI) / 180));
    const t2 = theta * theta, t6 = t2 * t2 * t2;
    const x = (lam * Math.cos(theta)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
    const y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    return [x, y];
  }

  function draw(container, outlines, data, panel) {
    const width = Math.max(420, container.clientWidth || 900);
    const [xmax] = equalEarth(180, 0);
    const [, ymax] = equalEarth(0, 90);
    const k = (width - 20) / (2 * xmax);
    const height = Math.round(2 * ymax * k + 20);
    const project = (lon, lat) => {
      const [px, py] = equalEarth(lon, lat);
      return [width / 2 + px * k, height / 2 - py * k];
    };
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}` });
    // the globe's outline
    const rim = [];
    for (let lat = -90; lat <= 90; lat += 5) rim.push(project(180, lat));
    for (let lat = 90; lat >= -90; lat -= 5) rim.push(project(-180, lat));
    svg("path", { class: "sphere", d: `M${rim.map((p) => p.join(",")).join("L")}Z` }, root);
    container.replaceChildren(root);

    const counts = data.countries;
    const maxCountry = Math.max(1, ...Object.values(counts));
    const shade = (n) => {
      if (!n) return "#d9e0e6";
      const t = Math.log(1 + n) / Math.log(1 + maxCountry);
      const from = [200, 226, 230], to = [15, 93, 115];
      return `rgb(${from.map((v, i) => Math.round(v + (to[i] - v) * t)).join(",")})`;
    };
    const tip = tooltip(container);
    const countryLayer = svg("g", {}, root);
    for (const c of outlines.countries) {
      const d = c.rings.map((ring) => `M${ring.map(([lon, lat]) => project(lon, lat).map((v) => v.toFixed(1)).join(",")).join("L")}Z`).join("");
      const n = counts[c.iso3] || 0;
      const path = svg("path", { class: "country", d, fill: shade(n), "data-iso3": c.iso3 || "" }, countryLayer);
      path.addEventListener("mousemove", (e) => tip.show(e, `${c.name}${n ? `: ${n} events placed here` : ""}`));
      path.addEventListener("mouseleave", () => tip.hide());
    }

    const places = data.places;
    const maxN = Math.max(1, ...places.map((p) => p.n));
    const pointLayer = svg("g", {}, root);
    // biggest first, so small places stay clickable on top
    for (const p of [...places].sort((a, b) => b.n - a.n)) {
      const [x, y] = project(p.lon, p.lat);
      const r = 3 + 14 * Math.sqrt(p.n / maxN);
      const fine = p.resolution >= 4;
      const circle = svg("circle", {
        class: `place res${p.resolution}`, cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1),
        fill: fine ? "#c73a2e" : "rgba(199,58,46,0.12)", "fill-opacity": fine ? 0.6 : 1,
        stroke: "#c73a2e", "stroke-dasharray": p.resolution === 1 ? "3 2" : null, "data-place": p.place, "data-r": r.toFixed(1),
      }, pointLayer);
      const text = `${p.place} (${p.country_code}): ${p.n} events\nresolved to the ${RESOLUTION[p.resolution] || "?"}`;
      circle.addEventListener("mousemove", (e) => tip.show(e, text));
      circle.addEventListener("mouseleave", () => tip.hide());
      circle.addEventListener("click", () => showPlace(panel, p));
    }
    const labelled = [];
    for (const p of places.slice(0, 8)) {
      const [x, y] = project(p.lon, p.lat);
      if (labelled.some(([lx, ly]) => Math.abs(lx - x) < 1 && Math.abs(ly - y) < 1)) continue;  // same spot (a country at its capital)
      labelled.push([x, y]);
      const r = 3 + 14 * Math.sqrt(p.n / maxN);
      svg("text", { class: "place-label", x: (x + r + 2).toFixed(1), y: (y + 3).toFixed(1), "data-x": x.toFixed(1), "data-r": r.toFixed(1), text: p.place }, pointLayer);
    }
    container.dataset.ready = "1";
    fit(root, places.map((q) => project(q.lon, q.lat)), width, height);
    return `${places.length} of ${data.total_places} places shown; ${data.unplaced} events have no place.`;
  }

  /** Zoom the map to the places (or back to the world) by its viewBox; marks keep their screen size. */
  function fit(root, points, width, height) {
    const world = `0 0 ${width} ${height}`;
    let box = world;
    if (points.length) {
      const xs = points.map((p) => p[0]);
      const ys = points.map((p) => p[1]);
      const span = Math.max(width * 0.18, (Math.max(...xs) - Math.min(...xs)) * 1.6, ((Math.max(...ys) - Math.min(...ys)) * 1.6 * width) / height);
      const w = Math.min(width, span);
      const h = (w * height) / width;
      const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
      const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
      const x0 = Math.max(0, Math.min(width - w, cx - w / 2));
      const y0 = Math.max(0, Math.min(height - h, cy - h / 2));
      box = `${x0} ${y0} ${w} ${h}`;
    }
    const apply = (viewBox) => {
      root.setAttribute("viewBox", viewBox);
      const zoom = width / Number(viewBox.split(" ")[2]);
      root.querySelectorAll("circle.place").forEach((c) => {
        c.setAttribute("r", (Number(c.dataset.r) / zoom).toFixed(2));
        c.setAttribute("stroke-width", (1.5 / zoom).toFixed(2));
      });
      root.querySelectorAll("text.place-label").forEach((t) => {
        t.setAttribute("font-size", (10 / zoom).toFixed(2));
        t.setAttribute("x", (Number(t.dataset.x) + (Number(t.dataset.r) + 2) / zoom).toFixed(2));
        t.setAttribute("stroke-width", (3 / zoom).toFixed(2));
      });
      root.querySelectorAll("path.country").forEach((c) => c.setAttribute("stroke-width", (0.5 / zoom).toFixed(3)));
    };
    apply(box);
    const button = document.getElementById("map-zoom");
    if (button) {
      let zoomed = box !== world;
      button.textContent = zoomed ? "Show the world" : "Zoom to the events";
      button.hidden = box === world;
      button.onclick = () => {
        zoomed = !zoomed;
        apply(zoomed ? box : world);
        button.textContent = zoomed ? "Show the world" : "Zoom to the events";
      };
    }
  }

  async function showPlace(panel, p) {
    const list = el("div", {}, el("p", { class: "muted", text: "Loading…" }));
    panel.replaceChildren(
      el("h2", { text: p.place }),
      el("p", { class: "muted", text: `${p.country_code} · resolved to the ${RESOLUTION[p.resolution] || "?"} · ${p.lat.toFixed(2)}, ${p.lon.toFixed(2)}` }),
      list,
      el("p", {}, el("a", { href: `/events?${query({ place: p.place }).toString()}`, text: "open these events as a list" })));
    try {
      const found = await getJSON("/api/events", query({ place: p.place, per_page: 50 }));
      list.replaceChildren(el("p", { class: "muted", text: `${found.total} events${found.total > 50 ? " (newest 50)" : ""}` }), eventList(found.events));
    } catch (error) {
      showError(list, error);
    }
  }

  function legend(box) {
    const item = (cls, label) => el("span", {}, el("span", { class: `swatch ${cls}` }), label);
    box.replaceChildren(item("fine", "city or site"), item("coarse", "region or district"), item("country", "country only (at its capital)"));
    box.querySelector(".fine").style.background = "#c73a2e";
    const coarse = box.querySelector(".coarse");
    coarse.style.border = "1.5px solid #c73a2e";
    const country = box.querySelector(".country");
    country.style.border = "1.5px dashed #c73a2e";
    coarse.style.borderRadius = country.style.borderRadius = "50%";
    box.querySelector(".fine").style.borderRadius = "50%";
  }

  async function init() {
    const container = document.getElementById("map");
    if (!container) return;
    try {
      const [outlines, data] = await Promise.all([
        getJSON(container.dataset.outlines),
        getJSON(container.dataset.api, query({})),
      ]);
      const note = draw(container, outlines, data, document.getElementById("place-panel"));
      document.getElementById("map-note").textContent = note;
      legend(document.getElementById("map-legend"));
    } catch (error) {
      showError(container, error);
    }
  }

  document.addEventListener("DOMContentLoaded", init);
})();
