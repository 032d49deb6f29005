// Partner overview: a tile per task with its live count, and the live activity feed.
import { get } from "../api.js";
import { clear, h } from "../dom.js";
import { describe, onLive, onLiveState, throttled } from "../live.js";

const TILES = [
  ["customers", "/partner/customers", "Customers", "Find a customer and act for it"],
  ["active_invitations", "/partner/invitations", "Active trial invitations", "Invite customers to try a service"],
  ["open_offers", "/partner/offers", "Open purchase offers", "Offer licences to buy"],
  ["pending_delegations", "/partner/delegations", "Pending delegations", "Requests waiting for the customer"],
  ["open_service_requests", "/partner/customers", "Open service requests", "Tickets opened for customers"],
];

export default async function overview(ctx) {
  ctx.title("Partner overview");
  const user = ctx.session.user;
  const supporting = user.supported_access === "full" || user.supported_access === "limited";
  const counts = Object.fromEntries(TILES.map(([key]) => [key, h("span", { class: "count", "data-testid": `count-${key}` }, "–")]));

  async function refresh() {
    if (!supporting) return;
    try {
      const answer = await get("/api/partner/overview");
      for (const [key] of TILES) counts[key].textContent = answer[key] ?? "–";
    } catch {
      /* the tiles keep their last numbers */
    }
  }
  await refresh();

  const activity = h("ul", { class: "activity", "aria-live": "polite", "data-testid": "activity" });
  const liveNote = h("span", { class: "badge", "data-testid": "live-state" }, "");
  ctx.cleanup(onLiveState((s) => {
    liveNote.textContent = s === "on" ? "Live" : s === "reconnecting" ? "Reconnecting…" : "Not live";
    liveNote.className = `badge ${s === "on" ? "good" : "warn"}`;
  }));
  const later = throttled(refresh);
  ctx.cleanup(onLive((event) => {
    later();
    if (activity.querySelector(".empty-note")) clear(activity);
    activity.prepend(h("li", {}, h("span", { class: "muted small" }, new Date().toLocaleTimeString(), " · "), describe(event)));
    while (activity.children.length > 8) activity.lastChild.remove();
  }));
  activity.append(h("li", { class: "empty-note muted" }, "Redemptions, purchases and delegation decisions appear here as they happen."));

  const tiles = supporting
    ? TILES.map(([key, href, label, hint]) => h("a", { class: "tile", href, "data-testid": `tile-${key}` },
        counts[key], h("div", { class: "label" }, label), h("div", { class: "hint" }, hint)))
    : [h("div", { class: "card" }, h("p", {}, "Your account has no admin access to supported companies, so customer tasks are hidden. A Global admin of your company can grant it on the Users page."))];

  return h("div", {},
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, "Partner overview"), h("p", {}, `Welcome, ${user.display_name}.`)),
      liveNote),
    h("section", { "aria-label": "Counts" }, h("div", { class: "grid" }, tiles)),
    h("div", { class: "two-col", style: null },
      h("section", { class: "card", "aria-labelledby": "tasks-title" },
        h("h2", { id: "tasks-title" }, "Tasks"),
        h("ul", {},
          h("li", {}, h("a", { href: "/partner/invitations" }, "Create a trial invitation")),
          h("li", {}, h("a", { href: "/partner/offers" }, "Build a purchase offer")),
          h("li", {}, h("a", { href: "/partner/delegations" }, "Offer delegated administration to a customer")),
          h("li", {}, h("a", { href: "/partner/customers" }, "Find a customer, reset a password, open a service request")),
          h("li", {}, h("a", { href: "/partner/users" }, "Manage your company's users and their admin access")),
          h("li", {}, h("a", { href: "/partner/company" }, "Company information shown to customers")))),
      h("section", { class: "card", "aria-labelledby": "activity-title" },
        h("h2", { id: "activity-title" }, "Live activity"), activity)));
}
