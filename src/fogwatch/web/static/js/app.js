// fogwatch's web UI: a map, a timeline and a list of incidents with filters, plus
// incident, source and article pages, routed by the URL hash (#/incident/ID, ...).
// It reads only the public JSON API.

import { allIncidents, api } from "./api.js";
import { clear, fill, h, route } from "./dom.js";
import { figuresText, placeText, typeText } from "./format.js";
import { IncidentMap, openIncident } from "./map.js";
import { documentPage, incidentPage, sourcePage } from "./pages.js";
import { Timeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);

const state = {
  incidents: [],
  range: null,
  map: null,
  timeline: null,
};

function filters() {
  return {
    q: $("q").value.trim(),
    type: $("type").value,
    actor: $("actor").value.trim(),
    outlet: $("outlet").value,
    contested: $("contested").checked ? "true" : "",
  };
}

function inRange(incident) {
  if (!state.range) return true;
  if (!incident.date) return false;
  const end = incident.date_end || incident.date;
  return end >= state.range.since && incident.date <= state.range.until;
}

function renderList(items) {
  const body = clear($("incident-list").tBodies[0]);
  for (const incident of items) {
    body.append(
      h(
        "tr",
        { class: incident.contested ? "contested" : "", "data-incident": incident.id },
        h("td", {}, incident.date || "—"),
        h("td", {}, h("a", { href: route.incident(incident.id) }, typeText(incident))),
        h("td", {}, placeText(incident.location)),
        h("td", { class: "num" }, figuresText(incident.killed) || "—"),
        h("td", {}, h("span", { class: `badge grade-${incident.grade}` }, incident.grade), incident.contested ? h("span", { class: "flag", title: incident.disputes.join(", ") }, " ⚑") : ""),
      ),
    );
  }
  const range = state.range ? ` between ${state.range.since} and ${state.range.until}` : "";
  $("count").textContent = `${items.length} incidents${range}`;
  $("clear-range").hidden = !state.range;
}

function refreshView() {
  const visible = state.incidents.filter(inRange);
  state.map.show(visible, openIncident);
  renderList(visible);
}

async function reload() {
  document.body.classList.add("loading");
  try {
    state.incidents = await allIncidents(filters());
    state.timeline.render(state.incidents, $("measure").value);
    refreshView();
  } catch (error) {
    $("count").textContent = `Could not load incidents: ${error.message}`;
  } finally {
    document.body.classList.remove("loading");
  }
}

function fillSelect(select, values) {
  for (const value of values) select.append(h("option", { value }, value));
}

async function setupFilters() {
  const facets = await api.facets();
  fillSelect($("type"), facets.types);
  fillSelect($("outlet"), facets.outlets);
  for (const actor of facets.actors) $("actors").append(h("option", { value: actor }));
  $("filters").addEventListener("submit", (event) => {
    event.preventDefault();
    if (window.location.hash && window.location.hash !== "#/") window.location.hash = route.map();
    reload();
  });
  for (const id of ["type", "outlet", "contested"]) $(id).addEventListener("change", () => reload());
  $("measure").addEventListener("change", () => state.timeline.render(state.incidents, $("measure").value));
  $("clear-range").addEventListener("click", () => state.timeline.clearRange());
}

async function showRoute() {
  const hash = window.location.hash || "#/";
  const [path, query] = hash.slice(1).split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const page = $("view-page");
  const onMap = parts.length === 0;
  $("view-map").hidden = !onMap;
  page.hidden = onMap;
  if (onMap) {
    document.title = "fogwatch";
    state.map.resize();
    return;
  }
  fill(page, h("p", { class: "muted" }, "Loading…"));
  try {
    const [kind, key] = parts;
    if (kind === "incident") await incidentPage(page, key);
    else if (kind === "source") await sourcePage(page, parts.slice(1).join("/"));
    else if (kind === "document") await documentPage(page, key, new URLSearchParams(query || "").get("claim"));
    else throw new Error("no such page");
    window.scrollTo(0, 0);
  } catch (error) {
    fill(page, h("a", { class: "back", href: route.map() }, "← Map and list"), h("p", { class: "error" }, `Not found: ${error.message}`));
  }
}

async function main() {
  const config = await api.config();
  if (config.tile_url) {
    $("attribution").append(config.tile_attribution || "Map tiles: " + new URL(config.tile_url.replace("{s}", "a")).host);
    $("attribution").append(" · ");
  }
  $("attribution").append(
    "Borders: Natural Earth (public domain) via world-atlas; Syrian admin areas: OCHA/HDX (CC BY-IGO) · fogwatch ",
    config.version,
  );
  state.map = new IncidentMap($("map"), config);
  state.timeline = new Timeline($("timeline"), (range) => {
    state.range = range;
    refreshView();
  });
  window.addEventListener("resize", () => state.timeline.render(state.incidents));
  window.addEventListener("hashchange", showRoute);
  await setupFilters();
  await reload();
  await showRoute();
  document.body.dataset.ready = "true";
}

main();
