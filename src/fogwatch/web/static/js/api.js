// The public JSON API, and nothing else: the UI is a client like any other.

async function getJson(path, params) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "" && value !== false) {
      url.searchParams.set(key, String(value));
    }
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = response.statusText;
    try {
      detail = (await response.json()).detail || detail;
    } catch (_) {
      // keep the status text
    }
    const error = new Error(typeof detail === "string" ? detail : "request failed");
    error.status = response.status;
    throw error;
  }
  return response.json();
}

/** Every incident matching the filters, following next_cursor to the end. */
export async function allIncidents(filters) {
  const items = [];
  let cursor = null;
  do {
    const page = await getJson("/api/incidents", { ...filters, limit: 1000, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

export const api = {
  config: () => getJson("/api/config"),
  facets: () => getJson("/api/facets"),
  incident: (id) => getJson(`/api/incidents/${encodeURIComponent(id)}`),
  document: (id) => getJson(`/api/documents/${encodeURIComponent(id)}`),
  source: (name) => getJson(`/api/sources/${encodeURIComponent(name)}`),
};
