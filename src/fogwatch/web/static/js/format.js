// How figures, grades and dates are said in the UI.

export const GRADE_COLOURS = {
  confirmed: "#1b7837",
  fair: "#4393c3",
  weak: "#8c8c8c",
  contested: "#d6604d",
  discounted: "#762a83",
};

export const GRADE_HELP = {
  confirmed: "a belligerent accepted responsibility",
  fair: "two or more credible sources",
  weak: "a single source",
  contested: "competing claims of responsibility",
  discounted: "refuted, or another party is most likely responsible",
};

export const CIVILIAN_HARM_TEXT = {
  yes: "civilians among the victims",
  no: "combatants only, by every toll",
  unknown: "victims not said",
};

export const DISPUTE_HELP = {
  toll: "the sources' death tolls cannot all be true",
  blame: "sources blame different perpetrators",
  denial: "someone denies the act or responsibility",
};

/** "at least 21", "3–5", "27", "dozens (12)" for a Count {low, high, qualifier}. */
export function countText(count) {
  if (!count) return "";
  const { low, high, qualifier } = count;
  if (low === null && high === null) return count.text || "";
  if (qualifier === "at_least" || (high === null && low !== null)) return `at least ${low}`;
  if (qualifier === "at_most" || (low === null && high !== null)) return `up to ${high}`;
  if (low === high) return qualifier === "about" ? `about ${low}` : String(low);
  return `${low}–${high}`;
}

/** "24 (6–27)" for incident Figures {acled, low, best, high}. */
export function figuresText(figures) {
  if (!figures) return "";
  const { low, best, high } = figures;
  if (best === null && low === null && high === null) return "";
  const range = low !== null && high !== null && low !== high ? ` (${low}–${high})` : "";
  return `${best ?? low ?? high}${range}`;
}

export function placeText(location) {
  if (!location) return "unknown place";
  return [location.name, location.admin1, location.country].filter(Boolean).join(", ") || "unknown place";
}

export function typeText(item) {
  return item.sub_event_type || item.event_type || "Event";
}

export function parseDay(value) {
  return value ? new Date(`${value}T00:00:00Z`) : null;
}

export function dayText(date) {
  return date.toISOString().slice(0, 10);
}
