// Customers: search by name, domain or contact; the list updates live as customers arrive.
import { get } from "../api.js";
import { badge, empty, field, h, pagedTable } from "../dom.js";
import { page } from "../layout.js";
import { liveRegion } from "../live.js";
import { roleName } from "./invitations.js";
import { t } from "../i18n.js";

export default async function customers(ctx) {
  ctx.title(t("nav.customers"));
  let q = ctx.query.get("q") || "";
  const listBody = h("div", {});
  const search = field({
    name: "q",
    label: t("customers.search_label"),
    type: "search",
    value: q,
    placeholder: t("customers.search_placeholder"),
  });
  const searchForm = h(
    "form",
    {
      role: "search",
      class: "row",
      onsubmit: async (e) => {
        e.preventDefault();
        q = search.querySelector("input").value.trim();
        history.replaceState({}, "", q ? `/partner/customers?q=${encodeURIComponent(q)}` : "/partner/customers");
        await loadFirst();
      },
    },
    h("div", { class: "spacer" }, search),
    h("button", { type: "submit" }, t("customers.search")),
  );

  const loadFirst = pagedTable(
    listBody,
    (p) => get("/api/partner/customers", { q, limit: 20, ...p }),
    [t("customers.customer"), t("customers.domain"), t("customers.contact"), t("customers.relationship")],
    (c) => [
      h("a", { href: `/partner/customers/${c.customer_id}`, "data-testid": "customer-link" }, c.name),
      c.domain,
      c.contact_email,
      h(
        "div",
        { class: "row" },
        c.partner_of_record ? badge("partner_of_record") : null,
        c.delegation_role
          ? h("span", { class: "badge good" }, roleName(c.delegation_role))
          : h("span", { class: "badge" }, t("customers.no_delegation")),
      ),
    ],
    () =>
      q
        ? empty(t("customers.no_match"), t("customers.no_match_text", { q }))
        : empty(
            t("customers.none"),
            t("customers.none_text"),
            h("a", { class: "button", href: "/partner/invitations" }, t("overview.task.invite")),
          ),
  );
  await loadFirst();
  ctx.cleanup(liveRegion(listBody, loadFirst, { name: /Redeemed|Subscription|Delegation|Customer/ }));

  return page(
    t("nav.customers"),
    t("customers.intro"),
    h("section", { class: "card" }, searchForm, h("div", { "aria-live": "polite" }, listBody)),
  );
}
