/* dotterel view: the timeline (stacked bars per period, coarser-dated events as bands). */
"use strict";

(function () {
  const { el, svg, query, getJSON, showError, groupColor, groupLabel, tooltip } = window.dotterel;
  const DAY = 86400000;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  const time = (iso) => Date.parse(`${iso}T00:00:00Z`);
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

  function niceStep(max, count) {
    const raw = max / count;
    const power = 10 ** Math.floor(Math.log10(raw || 1));
    const unit = [1, 2, 2.5, 5, 10].find((m) => m * power >= raw) || 10;
    return unit * power;
  }

  /** Tick dates (ms) between lo and hi at a readable spacing (at most maxTicks), with their labels. */
  function timeTicks(lo, hi, maxTicks) {
    const out = [];
    const days = (hi - lo) / DAY;
    if (days <= 62) {
      const step = [1, 2, 7, 14, 28].find((d) => days / d <= maxTicks) || 28;
      const first = new Date(lo);
      for (let t = Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate()); t <= hi; t += DAY * step) {
        const d = new Date(t);
        out.push([t, `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`]);
      }
      return out;
    }
    const months = days / 30.44;
    const step = [1, 2, 3, 6, 12, 24, 60, 120].find((m) => months / m <= Math.max(1, maxTicks)) || 120;
    const first = new Date(lo);
    for (let k = first.getUTCFullYear() * 12 + first.getUTCMonth(); ; k += 1) {
      const y = Math.floor(k / 12);
      const m = k % 12;
      const t = Date.UTC(y, m, 1);
      if (t > hi) break;
      if (t < lo || k % step !== 0) continue;
      out.push([t, step >= 12 ? String(y) : m === 0 ? `${MONTHS[m]} ${y}` : MONTHS[m]]);
    }
    return out;
  }

  /**
   * Draw a timeline into `container`. data: /api/timeline. opts: {scale: "norm"|"count", compact, onPick}.
   * Bars hold events dated at least as finely as the interval; bands below hold month- and year-dated events.
   */
  function drawTimeline(container, data, opts) {
    const scale = opts.scale || "count";
    const width = Math.max(320, container.clientWidth || 900);
    const laneKinds = [...new Set(data.spans.map((s) => s.precision))].sort((a, b) => (a === "month" ? -1 : 1));
    const laneHeight = opts.compact ? 14 : 20;
    const plotHeight = opts.compact ? 130 : 300;
    const margin = { top: 10, right: 16, bottom: 26 + laneKinds.length * (laneHeight + 6), left: laneKinds.length ? 76 : 52 };
    const height = margin.top + plotHeight + margin.bottom;
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    const defs = svg("defs", {}, root);
    const pattern = svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" }, defs);
    svg("rect", { width: 6, height: 6, fill: "#eef0f3" }, pattern);
    svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#9aa3ad", "stroke-width": 2 }, pattern);

    const shown = scale === "norm" ? data.bins.filter((b) => b.articles) : data.bins;
    const all = shown.concat(data.spans);
    container.replaceChildren();
    if (!all.length) {
      container.append(el("p", { class: "empty", text: data.bins.length ? "No events in periods with articles published; show event counts." : "No dated events match these filters." }));
      return "";
    }
    let lo = Math.min(...all.map((b) => time(b.start)));
    let hi = Math.max(...all.map((b) => time(b.end)));
    if (hi - lo < DAY * 7) { lo -= DAY * 3; hi += DAY * 3; }
    const x = (t) => margin.left + ((t - lo) / (hi - lo)) * (width - margin.left - margin.right);

    const value = (bin, n) => (scale === "norm" ? (bin.articles ? n / bin.articles : null) : n);
    const hiddenBins = scale === "norm" ? data.bins.filter((b) => !b.articles) : [];
    const totals = data.bins.map((b) => {
      const sum = Object.values(b.counts).reduce((a, c) => a + c, 0);
      return value(b, sum) || 0;
    });
    const maxValue = Math.max(1e-9, ...totals);
    const step = niceStep(maxValue, opts.compact ? 3 : 5);
    const top = Math.ceil(maxValue / step) * step;
    const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;

    const grid = svg("g", { class: "grid axis" }, root);
    for (let v = 0; v <= top + 1e-9; v += step) {
      svg("line", { x1: margin.left, x2: width - margin.right, y1: y(v), y2: y(v) }, grid);
      const label = scale === "norm" ? (step < 1 ? v.toFixed(2) : v.toFixed(step < 10 ? 1 : 0)) : String(Math.round(v));
      svg("text", { x: margin.left - 6, y: y(v) + 4, "text-anchor": "end", text: label }, grid);
    }
    if (!opts.compact) {
      svg("text", {
        x: 12, y: margin.top + plotHeight / 2, transform: `rotate(-90 12 ${margin.top + plotHeight / 2})`,
        "text-anchor": "middle", class: "lane-label",
        text: scale === "norm" ? "events per article published" : "events",
      }, root);
    }

    const tip = tooltip(container);
    const groups = data.groups;
    const bars = svg("g", {}, root);
    for (const bin of data.bins) {
      const x0 = x(time(bin.start));
      const w = Math.max(1, x(time(bin.end)) - x0 - (x(time(bin.end)) - x0 > 4 ? 1 : 0));
      let acc = 0;
      const hidden = scale === "norm" && !bin.articles;
      if (hidden) continue;
      groups.forEach((g, i) => {
        const n = bin.counts[g] || 0;
        if (!n) return;
        const v = value(bin, n);
        const rect = svg("rect", {
          class: "bar", x: x0, width: w, y: y(acc + v), height: Math.max(0.5, y(acc) - y(acc + v)),
          fill: groupColor(data.by, g, i), "data-group": g, "data-start": bin.start,
        }, bars);
        acc += v;
        const text = `${bin.start}${data.interval === "day" ? "" : ` – ${iso(time(bin.end) - DAY)}`}\n${groupLabel(data.by, g)}: ${n} events` +
          (scale === "norm" ? ` (${v.toFixed(2)} per article)` : "") + `\n${bin.articles} articles published`;
        rect.addEventListener("mousemove", (e) => tip.show(e, text));
        rect.addEventListener("mouseleave", () => tip.hide());
        rect.addEventListener("click", () => opts.onPick && opts.onPick({ start: bin.start, end: bin.end, group: g, kind: "bin" }));
      });
    }

    // x axis
    const axis = svg("g", { class: "axis" }, root);
    const base = margin.top + plotHeight;
    svg("line", { x1: margin.left, x2: width - margin.right, y1: base, y2: base }, axis);
    for (const [t, label] of timeTicks(lo, hi, Math.floor(width / 90))) {
      svg("line", { x1: x(t), x2: x(t), y1: base, y2: base + 4 }, axis);
      svg("text", { x: x(t), y: base + 16, "text-anchor": "middle", text: label }, axis);
    }

    // bands for coarser-dated events
    laneKinds.forEach((kind, lane) => {
      const top0 = base + 26 + lane * (laneHeight + 6);
      svg("text", { x: margin.left - 6, y: top0 + laneHeight * 0.72, "text-anchor": "end", class: "lane-label", text: kind === "month" ? "month only" : "year only" }, root);
      for (const span of data.spans.filter((s) => s.precision === kind)) {
        const x0 = x(time(span.start));
        const w = Math.max(2, x(time(span.end)) - x0 - 1);
        const total = Object.values(span.counts).reduce((a, c) => a + c, 0);
        let at = x0;
        groups.forEach((g, i) => {
          const n = span.counts[g] || 0;
          if (!n) return;
          const part = (w * n) / total;
          const rect = svg("rect", { class: "span-band", x: at, width: part, y: top0, height: laneHeight, fill: groupColor(data.by, g, i), rx: 2 }, root);
          at += part;
          const text = `${kind === "month" ? span.start.slice(0, 7) : span.start.slice(0, 4)} (dated only to the ${kind})\n${groupLabel(data.by, g)}: ${n} events`;
          rect.addEventListener("mousemove", (e) => tip.show(e, text));
          rect.addEventListener("mouseleave", () => tip.hide());
          rect.addEventListener("click", () => opts.onPick && opts.onPick({ start: span.start, end: span.end, group: g, kind }));
        });
        if (w > 18) svg("text", { x: x0 + w / 2, y: top0 + laneHeight * 0.72, "text-anchor": "middle", class: "lane-label", text: String(total) }, root);
      }
    });
    container.prepend(root);

    const notes = [];
    if (data.undated) notes.push(`${data.undated} undated events are not drawn.`);
    if (hiddenBins.length) {
      const n = hiddenBins.reduce((a, b) => a + Object.values(b.counts).reduce((s, c) => s + c, 0), 0);
      notes.push(`${n} events fall in periods in which no article was published (background events); show event counts to see them.`);
    }
    if (data.spans.length) notes.push("Bands below the axis: events dated only to a month or a year, drawn across the whole period.");
    return notes.join(" ");
  }

  function legend(container, data) {
    container.replaceChildren(...data.groups.map((g, i) =>
      el("span", {}, el("span", { class: "swatch", "data-color": groupColor(data.by, g, i) }), groupLabel(data.by, g))));
    container.querySelectorAll(".swatch").forEach((s) => { s.style.background = s.dataset.color; });
  }

  /** Where a click on a bar or band leads: the event list for that period (and group), at matching precision. */
  function pickLink(pick, data) {
    const last = iso(time(pick.end) - DAY);
    const change = { since: pick.start, until: last };
    change[data.by === "quad" ? "quad" : "event"] = pick.group;
    if (pick.kind === "bin") {
      change.precision = { day: ["day"], week: ["day"], month: ["day", "month"], year: ["day", "month", "year"] }[data.interval];
    } else {
      change.precision = pick.kind;
    }
    return `/events?${query(change).toString()}`;
  }

  async function init() {
    const container = document.getElementById("timeline");
    if (!container) return;
    const control = (id, fallback) => {
      const node = document.getElementById(id);
      return node ? node.value : container.dataset[id] || fallback;
    };
    const load = async () => {
      const interval = control("interval", "month");
      const by = control("by", "quad");
      const scale = control("scale", "count");
      try {
        const data = await getJSON(container.dataset.api, query({ interval, by }));
        const note = drawTimeline(container, data, {
          scale, compact: container.classList.contains("compact"),
          onPick: (pick) => { window.location.href = pickLink(pick, data); },
        });
        const legendBox = document.getElementById("timeline-legend");
        if (legendBox) legend(legendBox, data);
        const noteBox = document.getElementById("timeline-note");
        if (noteBox) noteBox.textContent = note || "";
        container.dataset.ready = "1";
      } catch (error) {
        showError(container, error);
      }
    };
    document.querySelectorAll("#timeline-controls select").forEach((s) => s.addEventListener("change", () => {
      const params = new URLSearchParams(window.location.search);
      params.set(s.id, s.value);
      history.replaceState(null, "", `?${params.toString()}`);
      load();
    }));
    await load();
  }

  window.dotterel.drawTimeline = drawTimeline;
  window.dotterel.timelineLegend = legend;
  document.addEventListener("DOMContentLoaded", init);
})();
