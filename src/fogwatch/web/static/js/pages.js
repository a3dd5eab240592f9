// The detail pages: an incident with every claim side by side, an outlet's or
// claimant's profile, and an article with all its claims highlighted in its text.

import { api } from "./api.js";
import { externalLink, fill, h, route } from "./dom.js";
import { CIVILIAN_HARM_TEXT, DISPUTE_HELP, GRADE_HELP, countText, figuresText, placeText, typeText } from "./format.js";

function back() {
  return h("a", { class: "back", href: route.map() }, "← Map and list");
}

function sourceLink(name) {
  return name ? h("a", { class: "source-link", href: route.source(name) }, name) : h("span", { class: "muted" }, "unnamed");
}

function gradeBadge(grade) {
  return h("span", { class: `badge grade-${grade}`, title: GRADE_HELP[grade] || "" }, grade);
}

function actorsText(actors) {
  return (actors || []).map((a) => a.name).join("; ");
}

function row(label, ...value) {
  return h("div", { class: "kv" }, h("span", { class: "k" }, label), h("span", { class: "v" }, ...value));
}

function evidenceBlock(claim) {
  const ctx = claim.context;
  if (!ctx) return h("blockquote", { class: "evidence" }, h("mark", { class: "evidence-mark" }, claim.evidence.text));
  return h(
    "blockquote",
    { class: "evidence" },
    ctx.truncated_before ? "… " : "",
    ctx.before,
    h("mark", { class: "evidence-mark" }, ctx.text),
    ctx.after,
    ctx.truncated_after ? " …" : "",
  );
}

function claimCard(claim, incident) {
  const tollDisputed = incident.disputes.includes("toll");
  const denies = claim.stance === "denies";
  return h(
    "article",
    { class: `claim-card${denies ? " denies" : ""}`, "data-claim": claim.id },
    h("header", {}, h("span", { class: "outlet" }, sourceLink(claim.outlet)), h("span", { class: "published" }, claim.published || "")),
    row("Claimant", sourceLink(claim.claimant && claim.claimant.name), claim.claimant ? h("span", { class: "muted" }, ` (${claim.claimant.kind})`) : ""),
    row("Stance", h("span", { class: `stance stance-${claim.stance}` }, claim.stance)),
    row(
      "Killed",
      h("span", { class: `figure${tollDisputed && claim.killed ? " conflict" : ""}` }, countText(claim.killed) || "—"),
      claim.killed && claim.killed.text ? h("span", { class: "muted" }, ` “${claim.killed.text}”`) : "",
    ),
    row("Injured", h("span", { class: "figure" }, countText(claim.injured) || "—")),
    row("Blames", actorsText(claim.perpetrators) || "—"),
    row("Date", claim.date || "—"),
    row("Place", placeText(claim.location)),
    evidenceBlock(claim),
    claim.document_id
      ? h("a", { class: "open-article", href: route.document(claim.document_id, claim.id) }, `Read in “${claim.document_title || "the article"}”`)
      : null,
  );
}

export async function incidentPage(root, id) {
  const incident = await api.incident(id);
  fill(root,
    back(),
    h("h1", {}, `${typeText(incident)} — ${placeText(incident.location)}`),
    h(
      "p",
      { class: "meta" },
      incident.date || "undated",
      incident.date_end ? ` to ${incident.date_end}` : "",
      " · ",
      gradeBadge(incident.grade),
      " · ",
      h("span", { class: `civilian-harm harm-${incident.civilian_harm || "unknown"}` }, CIVILIAN_HARM_TEXT[incident.civilian_harm || "unknown"]),
      " · ",
      `${incident.claims} claims from ${incident.outlets.length} outlets`,
    ),
    incident.disputes.length
      ? h(
          "ul",
          { class: "disputes" },
          incident.disputes.map((d) => h("li", { class: `dispute dispute-${d}` }, h("strong", {}, d), `: ${DISPUTE_HELP[d]}`)),
        )
      : h("p", { class: "muted" }, "The sources agree."),
    h(
      "table",
      { class: "figures" },
      h("thead", {}, h("tr", {}, h("th", {}, ""), ["ACLED (conservative)", "low", "best", "high"].map((c) => h("th", {}, c)))),
      h(
        "tbody",
        {},
        ["killed", "injured"].map((k) =>
          h("tr", {}, h("th", {}, k), ["acled", "low", "best", "high"].map((f) => h("td", {}, incident[k][f] ?? "—"))),
        ),
      ),
    ),
    incident.perpetrators.length
      ? h(
          "ul",
          { class: "perpetrators" },
          incident.perpetrators.map((p) =>
            h(
              "li",
              {},
              h("strong", {}, p.name),
              p.claimants.length ? ` — blamed by ${p.claimants.join(", ")}` : "",
              p.denied_by.length ? h("span", { class: "denied" }, ` — denied by ${p.denied_by.join(", ")}`) : "",
            ),
          ),
        )
      : null,
    h("h2", {}, "What each source says"),
    h("div", { class: "claims-grid" }, incident.claim_records.map((c) => claimCard(c, incident))),
  );
  // Long contexts scroll inside their box: bring each highlighted sentence into view.
  for (const block of root.querySelectorAll("blockquote.evidence")) {
    const mark = block.querySelector("mark");
    if (mark) block.scrollTop = Math.max(0, mark.offsetTop - 24);
  }
  document.title = `${typeText(incident)} — fogwatch`;
}

function countsTable(title, rows, columns) {
  if (!rows.length) return null;
  return h(
    "section",
    {},
    h("h2", {}, title),
    h(
      "table",
      { class: "data" },
      h("thead", {}, h("tr", {}, columns.map(([label]) => h("th", {}, label)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, columns.map(([, cell]) => h("td", {}, cell(r)))))),
    ),
  );
}

export async function sourcePage(root, name) {
  const p = await api.source(name);
  const rel = p.figure_relations;
  fill(root,
    back(),
    h("h1", {}, p.name),
    h("p", { class: "meta" }, p.roles.join(" and "), ` · ${p.documents} documents · ${p.claims} claims · ${p.incidents} incidents`,
      p.first_date ? ` · ${p.first_date} to ${p.last_date}` : ""),
    h("p", {}, `Its killed figures against each incident's best estimate: ${rel.above} above, ${rel.within} within, ${rel.below} below.`),
    h("p", {}, `Stances: ${Object.entries(p.stances).map(([k, v]) => `${v} ${k}`).join(", ") || "none"}.`),
    countsTable("Figures it stated", p.figures, [
      ["Date", (f) => f.date || "—"],
      ["Place", (f) => f.place || "—"],
      ["Claimant", (f) => sourceLink(f.claimant)],
      ["Outlet", (f) => sourceLink(f.outlet)],
      ["Killed", (f) => countText(f.killed) || "—"],
      ["Best estimate", (f) => f.consensus_killed ?? "—"],
      ["", (f) => (f.relation ? h("span", { class: `relation relation-${f.relation}` }, f.relation) : "")],
      ["", (f) => (f.incident ? h("a", { href: route.incident(f.incident) }, "incident") : "")],
    ]),
    countsTable("Whom it blamed", p.blames, [
      ["Actor", (b) => b.actor],
      ["Asserted", (b) => b.asserts],
      ["Denied", (b) => b.denies],
    ]),
    countsTable("Claimants it quoted", p.claimants_cited, [
      ["Claimant", (c) => sourceLink(c.name)],
      ["Claims", (c) => c.count],
    ]),
    countsTable("Outlets that carried it", p.carried_by, [
      ["Outlet", (c) => sourceLink(c.name)],
      ["Claims", (c) => c.count],
    ]),
    countsTable("Event types", p.event_types, [
      ["Type", (t) => t.name],
      ["Claims", (t) => t.count],
    ]),
  );
  document.title = `${p.name} — fogwatch`;
}

/** The text cut at every span boundary; each piece knows which claims cover it. */
export function pieces(text, spans) {
  const cuts = new Set([0, text.length]);
  for (const sp of spans) {
    cuts.add(sp.start);
    cuts.add(sp.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < points.length - 1; i++) {
    const [a, b] = [points[i], points[i + 1]];
    const claims = spans.filter((sp) => sp.start <= a && sp.end >= b).map((sp) => sp.claim_id);
    out.push({ text: text.slice(a, b), claims });
  }
  return out;
}

export async function documentPage(root, id, focus) {
  const doc = await api.document(id);
  const byId = new Map(doc.claims.map((c) => [c.id, c]));
  const body = h(
    "div",
    { class: "article-text" },
    pieces(doc.text, doc.spans).map((piece) => {
      if (!piece.claims.length) return piece.text;
      const label = piece.claims
        .map((cid) => {
          const c = byId.get(cid);
          return c ? `${c.claimant ? c.claimant.name : "?"} (${c.stance}): killed ${countText(c.killed) || "—"}` : cid;
        })
        .join(" | ");
      return h(
        "mark",
        { class: `claim-span${focus && piece.claims.includes(focus) ? " focus" : ""}`, "data-claims": piece.claims.join(" "), title: label },
        piece.text,
      );
    }),
  );
  fill(root,
    back(),
    h("h1", {}, doc.title || doc.name),
    h("p", { class: "meta" }, sourceLink(doc.outlet), ` · ${doc.published || "undated"} · `, doc.url ? externalLink(doc.url) : doc.name),
    body,
    h("h2", {}, `${doc.claims.length} claims in this article`),
    h(
      "ol",
      { class: "claim-list" },
      doc.claims.map((c) =>
        h(
          "li",
          { "data-claim": c.id },
          h("strong", {}, typeText(c)),
          ` · ${c.date || "undated"} · ${placeText(c.location)} · `,
          sourceLink(c.claimant && c.claimant.name),
          ` ${c.stance} · killed ${countText(c.killed) || "—"} `,
          c.incident ? h("a", { href: route.incident(c.incident) }, "incident") : "",
        ),
      ),
    ),
  );
  document.title = `${doc.title || doc.name} — fogwatch`;
  const focused = root.querySelector("mark.focus");
  if (focused) focused.scrollIntoView({ block: "center" });
}
