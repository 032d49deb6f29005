// Customers: search by name, domain or contact; the list updates live as customers arrive.
import { get } from "../api.js";
import { badge, clear, empty, field, h, pager, table } from "../dom.js";
import { onLive, throttled } from "../live.js";
import { ROLE_TEXT } from "./invitations.js";

export default async function customers(ctx) {
  ctx.title("Customers");
  let q = ctx.query.get("q") || "";
  const listBody = h("div", {}, h("div", { class: "table-slot" }));
  let rows = [];
  const search = field({ name: "q", label: "Search customers", type: "search", value: q, placeholder: "Name, domain or contact e-mail" });
  const searchForm = h("form", { role: "search", class: "row", onsubmit: async (e) => {
    e.preventDefault();
    q = search.querySelector("input").value.trim();
    history.replaceState({}, "", q ? `/partner/customers?q=${encodeURIComponent(q)}` : "/partner/customers");
    await loadFirst();
  } }, h("div", { class: "spacer" }, search), h("button", { type: "submit" }, "Search"));

  function renderRows(list, append) {
    rows = append ? rows.concat(list) : list;
    clear(listBody.querySelector(".table-slot"), rows.length
      ? table(["Customer", "Domain", "Contact", "Your relationship"], rows.map((c) => [
          h("a", { href: `/partner/customers/${c.customer_id}`, "data-testid": "customer-link" }, c.name),
          c.domain, c.contact_email,
          h("div", { class: "row" },
            c.partner_of_record ? badge("partner of record") : null,
            c.delegation_role ? h("span", { class: "badge good" }, ROLE_TEXT[c.delegation_role].split(" (")[0]) : h("span", { class: "badge" }, "no delegation")),
        ]))
      : q ? empty("No customer matches", `Nothing found for “${q}”. Try part of the name or the domain.`)
        : empty("No customers yet", "Customers appear here when they redeem one of your trial invitations or buy one of your offers.", h("a", { class: "button", href: "/partner/invitations" }, "Create a trial invitation")));
  }
  const loadFirst = pager((p) => get("/api/partner/customers", { q, limit: 20, ...p }), renderRows, listBody, { param: "cursor", nextKey: "next_cursor" });
  await loadFirst();
  ctx.cleanup(onLive(throttled((e) => {
    if (/Redeemed|Subscription|Delegation|Customer/.test(e.name)) loadFirst();
  }, 600)));

  return h("div", {},
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Customers"),
      h("p", {}, "Customers you are partner of record for, or that delegated administration to you."))),
    h("section", { class: "card" }, searchForm, h("div", { "aria-live": "polite" }, listBody)));
}
