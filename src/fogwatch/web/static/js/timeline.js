// The timeline: one SVG bar per day, week or month (whichever keeps bars readable) of
// incidents or of their best-estimate dead. Dragging across it selects a date range,
// which the caller applies to the map and the list.

import { s, clear } from "./dom.js";
import { dayText, parseDay } from "./format.js";

const DAY = 86400000;
const HEIGHT = 130;
const MARGIN = { top: 10, right: 12, bottom: 24, left: 36 };

function binStart(date, unit) {
  const d = new Date(date.getTime());
  if (unit === "week") {
    const weekday = (d.getUTCDay() + 6) % 7; // Monday first
    return new Date(d.getTime() - weekday * DAY);
  }
  if (unit === "month") return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  return d;
}

function nextBin(date, unit) {
  if (unit === "week") return new Date(date.getTime() + 7 * DAY);
  if (unit === "month") return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
  return new Date(date.getTime() + DAY);
}

export function bins(incidents, measure) {
  const dated = incidents.filter((i) => i.date).map((i) => ({ incident: i, day: parseDay(i.date) }));
  if (!dated.length) return { unit: "day", bins: [] };
  const first = new Date(Math.min(...dated.map((d) => d.day)));
  const last = new Date(Math.max(...dated.map((d) => d.day)));
  const span = (last - first) / DAY;
  const unit = span <= 92 ? "day" : span <= 3 * 366 ? "week" : "month";
  const out = [];
  const index = new Map();
  for (let t = binStart(first, unit); t <= last; t = nextBin(t, unit)) {
    index.set(t.getTime(), out.length);
    out.push({ start: t, end: new Date(nextBin(t, unit).getTime() - DAY), value: 0, count: 0 });
  }
  for (const { incident, day } of dated) {
    const bin = out[index.get(binStart(day, unit).getTime())];
    if (!bin) continue;
    bin.count += 1;
    const killed = incident.killed ? incident.killed.best ?? incident.killed.low ?? 0 : 0;
    bin.value += measure === "killed" ? killed : 1;
  }
  return { unit, bins: out };
}

export class Timeline {
  constructor(element, onRange) {
    this.element = element;
    this.onRange = onRange;
    this.range = null;
    this.incidents = [];
    this.measure = "incidents";
  }

  render(incidents, measure) {
    this.incidents = incidents;
    this.measure = measure || this.measure;
    const width = Math.max(320, this.element.clientWidth || 800);
    const { unit, bins: data } = bins(incidents, this.measure);
    const svg = s("svg", {
      width,
      height: HEIGHT,
      viewBox: `0 0 ${width} ${HEIGHT}`,
      class: "timeline-svg",
      role: "img",
      "aria-label": `${this.measure} per ${unit}`,
    });
    clear(this.element).append(svg);
    this.svg = svg;
    this.data = data;
    if (!data.length) {
      svg.append(s("text", { x: MARGIN.left, y: HEIGHT / 2, class: "empty" }, "No dated incidents"));
      return;
    }
    const inner = width - MARGIN.left - MARGIN.right;
    const barWidth = inner / data.length;
    const max = Math.max(1, ...data.map((b) => b.value));
    const y = (v) => MARGIN.top + (HEIGHT - MARGIN.top - MARGIN.bottom) * (1 - v / max);
    this.x0 = MARGIN.left;
    this.barWidth = barWidth;
    svg.append(
      s("line", { x1: MARGIN.left, x2: width - MARGIN.right, y1: y(0), y2: y(0), class: "axis" }),
      s("text", { x: MARGIN.left - 6, y: y(max) + 4, class: "tick tick-y" }, String(max)),
      s("text", { x: MARGIN.left - 6, y: y(0), class: "tick tick-y" }, "0"),
    );
    data.forEach((bin, i) => {
      if (!bin.value) return;
      const x = MARGIN.left + i * barWidth;
      const label = `${dayText(bin.start)}${unit === "day" ? "" : " – " + dayText(bin.end)}: ${bin.count} incident(s)` +
        (this.measure === "killed" ? `, ${bin.value} killed` : "");
      svg.append(
        s(
          "rect",
          {
            x: x + Math.min(1, barWidth * 0.1),
            y: y(bin.value),
            width: Math.max(1, barWidth - Math.min(2, barWidth * 0.2)),
            height: Math.max(1, y(0) - y(bin.value)),
            class: "bar",
            "data-start": dayText(bin.start),
          },
          s("title", {}, label),
        ),
      );
    });
    const ticks = Math.min(8, data.length);
    for (let k = 0; k < ticks; k++) {
      const i = Math.round((k * (data.length - 1)) / Math.max(1, ticks - 1));
      const edge = k === 0 ? " tick-first" : k === ticks - 1 && ticks > 1 ? " tick-last" : "";
      const x = k === 0 ? MARGIN.left : k === ticks - 1 && ticks > 1 ? width - MARGIN.right : MARGIN.left + (i + 0.5) * barWidth;
      svg.append(s("text", { x, y: HEIGHT - 6, class: `tick tick-x${edge}` }, dayText(data[i].start)));
    }
    this.selection = s("rect", { x: 0, y: MARGIN.top, width: 0, height: y(0) - MARGIN.top, class: "brush", visibility: "hidden" });
    svg.append(this.selection);
    this.drawRange();
    this.attachBrush();
  }

  binAt(clientX) {
    const box = this.svg.getBoundingClientRect();
    const scale = box.width ? this.svg.viewBox.baseVal.width / box.width : 1;
    const x = (clientX - box.left) * scale;
    const i = Math.floor((x - this.x0) / this.barWidth);
    return Math.max(0, Math.min(this.data.length - 1, i));
  }

  drawRange() {
    if (!this.range || !this.data || !this.data.length) {
      if (this.selection) this.selection.setAttribute("visibility", "hidden");
      return;
    }
    const [a, b] = this.range.bins;
    this.selection.setAttribute("x", this.x0 + a * this.barWidth);
    this.selection.setAttribute("width", (b - a + 1) * this.barWidth);
    this.selection.setAttribute("visibility", "visible");
  }

  attachBrush() {
    let anchor = null;
    let moved = false;
    this.svg.addEventListener("pointerdown", (event) => {
      anchor = this.binAt(event.clientX);
      moved = false;
      this.svg.setPointerCapture(event.pointerId);
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (anchor === null) return;
      const here = this.binAt(event.clientX);
      if (here !== anchor) moved = true;
      this.range = { bins: [Math.min(anchor, here), Math.max(anchor, here)] };
      this.drawRange();
    });
    this.svg.addEventListener("pointerup", (event) => {
      if (anchor === null) return;
      const here = this.binAt(event.clientX);
      const [a, b] = [Math.min(anchor, here), Math.max(anchor, here)];
      anchor = null;
      if (!moved) {
        this.clearRange();
        return;
      }
      this.range = { bins: [a, b], since: dayText(this.data[a].start), until: dayText(this.data[b].end) };
      this.drawRange();
      this.onRange(this.range);
    });
  }

  clearRange() {
    this.range = null;
    this.drawRange();
    this.onRange(null);
  }
}
