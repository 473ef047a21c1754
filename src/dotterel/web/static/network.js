/* dotterel view: the actor network (directed, weighted; colour from cooperation to conflict). */
"use strict";

(function () {
  const { el, svg, query, getJSON, showError, tooltip, eventList } = window.dotterel;

  /** Blue (cooperation, +1) through grey (0) to red (conflict, -1). */
  function coopColor(score) {
    const blue = [31, 95, 168];
    const grey = [154, 163, 173];
    const red = [199, 58, 46];
    const t = Math.max(-1, Math.min(1, score));
    const [a, b, f] = t >= 0 ? [grey, blue, t] : [grey, red, -t];
    const mix = a.map((v, i) => Math.round(v + (b[i] - v) * f));
    return `rgb(${mix.join(",")})`;
  }

  /** A deterministic force layout: nodes start on a circle (heaviest first), then repel and pull. */
  function layout(nodes, edges, width, height) {
    const n = nodes.length;
    const index = new Map(nodes.map((d, i) => [d.key, i]));
    const order = nodes.map((_, i) => i).sort((a, b) => nodes[b].weight - nodes[a].weight);
    const pos = new Array(n);
    order.forEach((i, rank) => {
      const angle = (rank / Math.max(1, n)) * Math.PI * 2;
      const radius = rank === 0 && n > 1 ? 0 : Math.min(width, height) * (0.18 + 0.22 * (rank / n));
      pos[i] = { x: width / 2 + radius * Math.cos(angle), y: height / 2 + radius * Math.sin(angle), vx: 0, vy: 0 };
    });
    const links = edges.filter((e) => e.source !== e.target).map((e) => [index.get(e.source), index.get(e.target), e.n]);
    const ideal = Math.max(60, Math.min(width, height) / Math.sqrt(n + 1) * 0.9);
    for (let step = 0; step < 320; step += 1) {
      const cool = 1 - step / 320;
      for (let i = 0; i < n; i += 1) {
        for (let j = i + 1; j < n; j += 1) {
          let dx = pos[i].x - pos[j].x;
          let dy = pos[i].y - pos[j].y;
          let d2 = dx * dx + dy * dy;
          if (d2 < 1) { dx = (i - j) * 0.5; dy = 0.5; d2 = 1; }
          const force = (ideal * ideal) / d2;
          const d = Math.sqrt(d2);
          pos[i].vx += (dx / d) * force * 0.05; pos[i].vy += (dy / d) * force * 0.05;
          pos[j].vx -= (dx / d) * force * 0.05; pos[j].vy -= (dy / d) * force * 0.05;
        }
      }
      for (const [a, b, w] of links) {
        const dx = pos[b].x - pos[a].x;
        const dy = pos[b].y - pos[a].y;
        const d = Math.max(1, Math.sqrt(dx * dx + dy * dy));
        const pull = ((d - ideal) / d) * 0.04 * Math.min(3, 1 + Math.log(w));
        pos[a].vx += dx * pull; pos[a].vy += dy * pull;
        pos[b].vx -= dx * pull; pos[b].vy -= dy * pull;
      }
      for (const p of pos) {
        p.vx += (width / 2 - p.x) * 0.01; p.vy += (height / 2 - p.y) * 0.01;
        const speed = Math.sqrt(p.vx * p.vx + p.vy * p.vy);
        const limit = 12 * cool + 0.5;
        if (speed > limit) { p.vx *= limit / speed; p.vy *= limit / speed; }
        p.x = Math.max(40, Math.min(width - 40, p.x + p.vx));
        p.y = Math.max(30, Math.min(height - 30, p.y + p.vy));
        p.vx *= 0.5; p.vy *= 0.5;
      }
    }
    // stretch the layout to fill the drawing area (labels need room on the right)
    const xs = pos.map((q) => q.x);
    const ys = pos.map((q) => q.y);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const sx = x1 > x0 ? (width - 160) / (x1 - x0) : 1;
    const sy = y1 > y0 ? (height - 150) / (y1 - y0) : 1;
    const k = Math.min(sx, sy, 3);
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    for (const q of pos) {
      q.x = width / 2 - 30 + (q.x - cx) * k;
      q.y = height / 2 + 15 + (q.y - cy) * k;
    }
    return pos;
  }

  function nodeParam(key, role) {
    return key.startsWith("text:") ? [`${role}_text`, key.slice(5)] : [role, key];
  }

  function draw(container, data, panel) {
    const width = Math.max(420, container.clientWidth || 900);
    const height = 560;
    container.replaceChildren();
    if (!data.edges.length) {
      container.append(el("p", { class: "empty", text: "No actor → recipient pairs match these filters." }));
      return;
    }
    const nodes = data.nodes.map((d) => ({ ...d, weight: d.as_actor + d.as_recipient }));
    const pos = layout(nodes, data.edges, width, height);
    const at = new Map(nodes.map((d, i) => [d.key, { ...pos[i], node: d }]));
    const maxWeight = Math.max(...nodes.map((d) => d.weight));
    const maxN = Math.max(...data.edges.map((e) => e.n));
    const radius = (d) => 6 + 16 * Math.sqrt(d.weight / maxWeight);
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}` });
    const edgeLayer = svg("g", {}, root);
    const nodeLayer = svg("g", {}, root);
    const tip = tooltip(container);

    for (const edge of data.edges) {
      const a = at.get(edge.source);
      const b = at.get(edge.target);
      const color = coopColor(edge.coop_conflict);
      const w = 1.2 + 7 * Math.sqrt(edge.n / maxN);
      let d;
      let head = null;
      if (edge.source === edge.target) {
        const r = radius(a.node);
        d = `M ${a.x - r * 0.6} ${a.y - r * 0.8} C ${a.x - r * 2.2} ${a.y - r * 3.2}, ${a.x + r * 2.2} ${a.y - r * 3.2}, ${a.x + r * 0.6} ${a.y - r * 0.8}`;
      } else {
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const len = Math.max(1, Math.sqrt(dx * dx + dy * dy));
        const nx = -dy / len;
        const ny = dx / len;
        const bend = Math.min(40, len * 0.15);
        const cx = (a.x + b.x) / 2 + nx * bend;
        const cy = (a.y + b.y) / 2 + ny * bend;
        // end the curve at the target's rim, then an arrowhead along the curve's final direction
        const rb = radius(b.node) + 2;
        const tx = b.x - cx;
        const ty = b.y - cy;
        const tl = Math.max(1, Math.sqrt(tx * tx + ty * ty));
        const ex = b.x - (tx / tl) * rb;
        const ey = b.y - (ty / tl) * rb;
        const size = 5 + w;
        const bx = ex - (tx / tl) * size;
        const by = ey - (ty / tl) * size;
        d = `M ${a.x} ${a.y} Q ${cx} ${cy} ${bx} ${by}`;
        head = `M ${ex} ${ey} L ${bx + (-ty / tl) * size * 0.55} ${by + (tx / tl) * size * 0.55} L ${bx - (-ty / tl) * size * 0.55} ${by - (tx / tl) * size * 0.55} Z`;
      }
      const group = svg("g", { class: "edge-group" }, edgeLayer);
      const path = svg("path", { class: "edge", d, stroke: color, "stroke-width": w, "stroke-opacity": 0.72, "data-source": edge.source, "data-target": edge.target }, group);
      if (head) svg("path", { d: head, fill: color, "fill-opacity": 0.85 }, group);
      const [q1, q2, q3, q4] = edge.quads;
      const text = `${a.node.label} → ${b.node.label}: ${edge.n} events\ncooperation ${q1 + q2} (material ${q2}), conflict ${q3 + q4} (material ${q4})` +
        (edge.goldstein !== null ? `\nmean Goldstein ${edge.goldstein}` : "");
      path.addEventListener("mousemove", (e) => tip.show(e, text));
      path.addEventListener("mouseleave", () => tip.hide());
      path.addEventListener("click", () => {
        root.querySelectorAll("path.edge.selected").forEach((p) => p.classList.remove("selected"));
        path.classList.add("selected");
        showEdge(panel, edge, a.node, b.node);
      });
    }
    for (const [key, p] of at) {
      const d = p.node;
      const g = svg("g", { class: `node${d.coded ? "" : " uncoded"}`, transform: `translate(${p.x},${p.y})`, "data-key": key }, nodeLayer);
      svg("circle", { r: radius(d), fill: d.coded ? "#264653" : "#b5838d" }, g);
      svg("text", { x: radius(d) + 3, y: 4, text: d.coded ? d.label : `“${d.label}”` }, g);
      g.addEventListener("mousemove", (e) => tip.show(e, `${d.label}\nacts in ${d.as_actor} events, receives ${d.as_recipient}`));
      g.addEventListener("mouseleave", () => tip.hide());
      g.addEventListener("click", () => showNode(panel, d, data));
    }
    container.prepend(root);
    container.dataset.ready = "1";
  }

  async function showEdge(panel, edge, a, b) {
    const [pa, va] = nodeParam(edge.source, "actor");
    const [pr, vr] = nodeParam(edge.target, "recipient");
    const chart = el("div", { class: "chart compact", id: "dyad-chart" });
    const list = el("div", { id: "edge-events" }, el("p", { class: "muted", text: "Loading…" }));
    const link = `/events?${query({ [pa]: va, [pr]: vr }).toString()}`;
    panel.replaceChildren(
      el("h2", { text: `${a.label} → ${b.label}` }),
      el("p", { class: "muted", text: `${edge.n} events · cooperation ${edge.quads[0] + edge.quads[1]}, conflict ${edge.quads[2] + edge.quads[3]}` }),
      chart, list, el("p", {}, el("a", { href: link, text: "open these events as a list" })));
    try {
      const series = await getJSON("/api/dyads/series", query({ actor_node: edge.source, recipient_node: edge.target, interval: "month", by: "quad" }));
      window.dotterel.drawTimeline(chart, series, { compact: true, scale: "count" });
    } catch (error) {
      showError(chart, error);
    }
    try {
      const found = await getJSON("/api/events", query({ [pa]: va, [pr]: vr, per_page: 50 }));
      list.replaceChildren(el("p", { class: "muted", text: `${found.total} events${found.total > 50 ? " (newest 50)" : ""}` }), eventList(found.events));
    } catch (error) {
      showError(list, error);
    }
  }

  function showNode(panel, node, data) {
    const labels = new Map(data.nodes.map((d) => [d.key, d.label]));
    const out = data.edges.filter((e) => e.source === node.key).sort((x, y) => y.n - x.n).slice(0, 8);
    const inn = data.edges.filter((e) => e.target === node.key).sort((x, y) => y.n - x.n).slice(0, 8);
    const [pa, va] = nodeParam(node.key, "actor");
    const [pr, vr] = nodeParam(node.key, "recipient");
    panel.replaceChildren(
      el("h2", { text: node.coded ? node.label : `“${node.label}” (uncoded)` }),
      el("p", {}, el("a", { href: `/events?${query({ [pa]: va }).toString()}`, text: `acts in ${node.as_actor} events` }), " · ",
        el("a", { href: `/events?${query({ [pr]: vr }).toString()}`, text: `receives ${node.as_recipient}` })),
      el("h2", { text: "Acts on" }),
      el("ul", { class: "panel-list" }, out.map((e) => el("li", { text: `${labels.get(e.target)}: ${e.n}` }))),
      el("h2", { text: "Acted on by" }),
      el("ul", { class: "panel-list" }, inn.map((e) => el("li", { text: `${labels.get(e.source)}: ${e.n}` }))));
  }

  function legend(box, data) {
    const stops = [[1, "material cooperation"], [0.5, "verbal cooperation"], [0, "mixed"], [-0.5, "verbal conflict"], [-1, "material conflict"]];
    box.replaceChildren(...stops.map(([v, label]) => el("span", {}, el("span", { class: "swatch", "data-color": coopColor(v) }), label)),
      el("span", { class: "muted", text: `${data.edges.length} of ${data.total_edges} dyads shown` }));
    box.querySelectorAll(".swatch").forEach((s) => { s.style.background = s.dataset.color; });
  }

  async function init() {
    const container = document.getElementById("network");
    if (!container) return;
    const panel = document.getElementById("edge-panel");
    const load = async () => {
      const level = document.getElementById("level").value;
      const top = document.getElementById("top").value;
      try {
        const data = await getJSON(container.dataset.api, query({ level, top }));
        draw(container, data, panel);
        legend(document.getElementById("network-legend"), data);
      } catch (error) {
        showError(container, error);
      }
    };
    document.querySelectorAll(".chart-controls select").forEach((s) => s.addEventListener("change", () => {
      const params = new URLSearchParams(window.location.search);
      params.set(s.id, s.value);
      history.replaceState(null, "", `?${params.toString()}`);
      load();
    }));
    await load();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
