// The incident map: Natural Earth countries drawn from the bundled GeoJSON (no tile
// server needed), Syria's governorate and district outlines (OCHA, served by the API from
// the package), an optional tile layer, one circle per located incident, coloured by
// grade and sized by the best estimate of the dead, clustered when zoomed out, and a label
// for each place that holds incidents.

import { GRADE_COLOURS, GRADE_HELP, figuresText, placeText, typeText } from "./format.js";
import { h, route } from "./dom.js";

const L = window.L;
const LABELS = 60;

export function radius(incident) {
  const best = incident.killed ? incident.killed.best ?? incident.killed.low ?? 0 : 0;
  return Math.min(28, 5 + 2.5 * Math.sqrt(Math.max(0, best)));
}

function legend() {
  const control = L.control({ position: "bottomleft" });
  control.onAdd = () =>
    h(
      "div",
      { class: "legend" },
      h("strong", {}, "Grade"),
      Object.entries(GRADE_COLOURS).map(([grade, colour]) =>
        h("div", { title: GRADE_HELP[grade] }, h("span", { class: `swatch grade-${grade}` }), ` ${grade}`),
      ),
      h("div", { class: "legend-note" }, "Size: best estimate of the dead"),
      h("div", { class: "legend-note" }, "Ring: sources disagree"),
    );
  return control;
}

function clusterIcon(cluster) {
  const children = cluster.getAllChildMarkers();
  const contested = children.some((m) => m.options.contested);
  const size = children.length < 10 ? 30 : children.length < 100 ? 38 : 46;
  return L.divIcon({
    html: h("span", {}, String(children.length)),
    className: `cluster${contested ? " cluster-contested" : ""}`,
    iconSize: L.point(size, size),
  });
}

function tooltip(incident) {
  return h(
    "div",
    { class: "tip" },
    h("strong", {}, typeText(incident)),
    h("div", {}, `${incident.date || "undated"} · ${placeText(incident.location)}`),
    h("div", {}, `Killed: ${figuresText(incident.killed) || "none reported"} · ${incident.grade}`),
    incident.contested ? h("div", { class: "tip-contested" }, `Disputed: ${incident.disputes.join(", ") || "grade"}`) : null,
  );
}

export class IncidentMap {
  constructor(element, config) {
    this.map = L.map(element, {
      attributionControl: false,
      worldCopyJump: true,
      minZoom: 2,
      maxZoom: 14,
    }).setView([34.8, 38.5], 6);
    this.map.createPane("land").style.zIndex = 250;
    this.map.createPane("admin").style.zIndex = 260;
    this.map.createPane("labels").style.zIndex = 640;
    this.map.getPane("labels").style.pointerEvents = "none";
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { maxZoom: 18 }).addTo(this.map);
    }
    this.cluster = L.markerClusterGroup({
      iconCreateFunction: clusterIcon,
      showCoverageOnHover: false,
      animate: false,
      maxClusterRadius: 36,
      disableClusteringAtZoom: 9,
    });
    this.map.addLayer(this.cluster);
    legend().addTo(this.map);
    this.labels = L.layerGroup().addTo(this.map);
    this.fitted = false;
    this.basemap = this.loadCountries(!config.tile_url).then(() => this.loadAdminAreas());
  }

  async loadAdminAreas() {
    // districts first, so governorate lines draw over them
    for (const level of [2, 1]) {
      const response = await fetch(`/api/admin-areas?level=${level}`);
      if (!response.ok) continue;
      const data = await response.json();
      L.geoJSON(data, {
        pane: "admin",
        interactive: false,
        style: () => ({ className: `admin-outline admin-${level}`, weight: level === 1 ? 1.4 : 0.6, fill: false }),
      }).addTo(this.map);
    }
  }

  showLabels(incidents) {
    // one label per place holding incidents, busiest first, at most LABELS of them
    const places = new Map();
    for (const incident of incidents) {
      const loc = incident.location;
      if (!loc || loc.lat == null || loc.lon == null || !loc.name) continue;
      const key = `${loc.name}|${loc.lat.toFixed(2)}|${loc.lon.toFixed(2)}`;
      const seen = places.get(key) || { loc, count: 0 };
      seen.count += 1;
      places.set(key, seen);
    }
    this.labels.clearLayers();
    const busiest = [...places.values()].sort((a, b) => b.count - a.count).slice(0, LABELS);
    for (const { loc } of busiest) {
      L.marker([loc.lat, loc.lon], {
        pane: "labels",
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "place-label", html: h("span", {}, loc.name), iconSize: null }),
      }).addTo(this.labels);
    }
  }

  async loadCountries(filled) {
    const response = await fetch("/static/vendor/world/countries-50m.geojson");
    const data = await response.json();
    L.geoJSON(data, {
      pane: "land",
      interactive: false,
      style: () => ({
        className: filled ? "land" : "land land-outline",
        weight: 0.7,
      }),
    }).addTo(this.map);
  }

  show(incidents, onOpen) {
    this.cluster.clearLayers();
    const markers = [];
    for (const incident of incidents) {
      const loc = incident.location;
      if (!loc || loc.lat === null || loc.lon === null || loc.lat === undefined) continue;
      const marker = L.circleMarker([loc.lat, loc.lon], {
        radius: radius(incident),
        color: incident.contested ? "#7f0000" : "#ffffff",
        weight: incident.contested ? 3 : 1.5,
        fillColor: GRADE_COLOURS[incident.grade] || "#8c8c8c",
        fillOpacity: 0.85,
        className: `incident-marker grade-${incident.grade}${incident.contested ? " contested" : ""}`,
        contested: incident.contested,
      });
      marker.bindTooltip(tooltip(incident), { direction: "top" });
      marker.on("click", () => onOpen(incident));
      markers.push(marker);
    }
    if (!this.fitted && markers.length) {
      // Before the markers go in, and without animation, so clustering happens once,
      // at the final zoom, and the map is settled when show() returns.
      const bounds = L.latLngBounds(markers.map((m) => m.getLatLng()));
      this.map.fitBounds(bounds.pad(0.25), { maxZoom: 7, animate: false });
      this.fitted = true;
    }
    this.cluster.addLayers(markers);
    this.showLabels(incidents);
    return markers.length;
  }

  resize() {
    this.map.invalidateSize();
  }
}

export function openIncident(incident) {
  window.location.hash = route.incident(incident.id);
}
