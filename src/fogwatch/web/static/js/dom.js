// DOM building without HTML strings. Everything shown comes from articles and is
// untrusted, so text only ever enters the page as text nodes, and URLs only as links
// we built ("#/...") or plain http(s) addresses.

const SVG_NS = "http://www.w3.org/2000/svg";

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.setAttribute("class", value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h("p", {class: "x"}, "text", h("b", {}, "bold")). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  return append(el, children);
}

/** An SVG element. */
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs);
  return append(el, children);
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** Replace an element's children (null and false children are skipped, not "null"). */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** A link to an outside page, or plain text when the address is not http(s). */
export function externalLink(url, label) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      return h("a", { href: parsed.href, rel: "noopener noreferrer nofollow", target: "_blank" }, label || parsed.href);
    }
  } catch (_) {
    // not a URL: shown as text below
  }
  return h("span", { class: "url-text" }, label || String(url));
}

/** In-app routes, with every part URL-encoded. */
export const route = {
  map: () => "#/",
  incident: (id) => `#/incident/${encodeURIComponent(id)}`,
  source: (name) => `#/source/${encodeURIComponent(name)}`,
  document: (id, claim) =>
    `#/document/${encodeURIComponent(id)}` + (claim ? `?claim=${encodeURIComponent(claim)}` : ""),
};
