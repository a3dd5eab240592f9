// Build fogwatch's vendored browser assets from the npm packages in package-lock.json.
//
// Why a build step at all: the UI must work with no network (no CDN, no tile server),
// so Leaflet, its clustering plugin and a Natural Earth base map are shipped inside the
// Python package. world-atlas ships TopoJSON; Leaflet draws GeoJSON, so the countries are
// converted here once (topojson-client) instead of in every browser.
//
// Usage: node build.mjs OUTDIR   (scripts/build-web.sh runs it after `npm ci`)

import { createRequire } from "node:module";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const topojson = require("topojson-client");

const out = process.argv[2];
if (!out) {
  console.error("usage: node build.mjs OUTDIR");
  process.exit(2);
}
const modules = join(here, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

function copy(from, to) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(modules, from), join(out, to), { recursive: true });
}

// Leaflet: the minified build, its stylesheet and the marker images the stylesheet names.
copy("leaflet/dist/leaflet.js", "leaflet/leaflet.js");
copy("leaflet/dist/leaflet.css", "leaflet/leaflet.css");
copy("leaflet/dist/images", "leaflet/images");
copy("leaflet/LICENSE", "leaflet/LICENSE");

// Marker clustering.
copy("leaflet.markercluster/dist/leaflet.markercluster.js", "markercluster/leaflet.markercluster.js");
copy("leaflet.markercluster/dist/MarkerCluster.css", "markercluster/MarkerCluster.css");
copy("leaflet.markercluster/MIT-LICENCE.txt", "markercluster/LICENSE");

// Natural Earth countries, TopoJSON -> GeoJSON. Coordinates are rounded to 1e-3 degrees
// (about 100 m), far below what 1:50m data resolves, to keep the file small.
function round(value) {
  if (Array.isArray(value)) return value.map(round);
  return typeof value === "number" ? Math.round(value * 1000) / 1000 : value;
}

for (const scale of ["110m", "50m"]) {
  const topology = JSON.parse(readFileSync(join(modules, `world-atlas/countries-${scale}.json`), "utf8"));
  const collection = topojson.feature(topology, topology.objects.countries);
  for (const feature of collection.features) {
    feature.geometry.coordinates = round(feature.geometry.coordinates);
    feature.properties = { name: feature.properties.name ?? null };
  }
  mkdirSync(join(out, "world"), { recursive: true });
  writeFileSync(join(out, "world", `countries-${scale}.geojson`), JSON.stringify(collection));
}
copy("world-atlas/LICENSE", "world/LICENSE");

const lock = JSON.parse(readFileSync(join(here, "package-lock.json"), "utf8"));
const versions = Object.fromEntries(
  Object.entries(lock.packages)
    .filter(([path]) => path.startsWith("node_modules/"))
    .map(([path, meta]) => [path.slice("node_modules/".length), meta.version]),
);
writeFileSync(join(out, "VERSIONS.json"), JSON.stringify(versions, null, 2) + "\n");
console.log(`vendor assets written to ${out}`);
