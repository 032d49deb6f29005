// The customer's start page: its company, subscriptions (a Global admin manages them:
// quantity, suspend, reactivate, cancel), purchases, and pending decisions.
import { get, items, services, serviceName } from "../api.js";
import { announce, badge, clear, empty, fmtDate, h, table } from "../dom.js";
import { card, page } from "../layout.js";
import { decisionCard } from "../customer-common.js";
import { subscriptionActions } from "../subscription-actions.js";
import { fmtNumber, t } from "../i18n.js";
import { liveRegion } from "../live.js";

export default async function customerHome(ctx) {
  ctx.title(t("chome.title"));
  const catalogue = await services();
  const [company, subs, requests, purchases] = await Promise.all([
    get("/api/customer"),
    get("/api/customer/subscriptions").then(items),
    get("/api/customer/delegation-requests").then(items),
    get("/api/customer/purchases")
      .then(items)
      .catch(() => []),
  ]);
  const pending = requests.filter((r) => r.state === "pending");
  const isAdmin = ctx.session.user.company_role === "global_admin";
  const decisions = h("div", {});
  if (pending.length && isAdmin) pending.forEach((r) => decisions.append(decisionCard(r, r.partner_name, () => {})));
  const subsCard = h("section", { class: "card", "aria-labelledby": "subs-title" });

  async function done(message) {
    announce(message);
    showSubscriptions(items(await get("/api/customer/subscriptions")));
  }

  function showSubscriptions(list) {
    clear(
      subsCard,
      h("h2", { id: "subs-title" }, t("nav.subscriptions")),
      list.length
        ? table(
            [
              t("inv.service"),
              t("common.licences"),
              t("common.state"),
              t("chome.trial_ends"),
              t("common.since"),
              ...(isAdmin ? [""] : []),
            ],
            list.map((s) => [
              h("strong", {}, serviceName(catalogue, s.service_id)),
              h("span", { "data-testid": `sub-seats-${s.service_id}` }, fmtNumber(s.seats)),
              h("span", { "data-testid": `sub-state-${s.service_id}` }, badge(s.state)),
              s.state === "trial" ? fmtDate(s.trial_ends_at) : "—",
              fmtDate(s.created_at),
              ...(isAdmin
                ? [
                    subscriptionActions(
                      s,
                      serviceName(catalogue, s.service_id),
                      `/api/customer/subscriptions/${s.subscription_id}`,
                      done,
                    ),
                  ]
                : []),
            ]),
          )
        : empty(t("chome.no_subs"), t("chome.no_subs_text")),
    );
  }
  showSubscriptions(subs);
  // Changes made by the partner (or elsewhere) show live, unless the admin is editing one.
  ctx.cleanup(
    liveRegion(
      subsCard,
      async (quiet) => {
        const subscriptions = items(await get("/api/customer/subscriptions"));
        if (!quiet()) return false;
        showSubscriptions(subscriptions);
        return true;
      },
      { name: /Subscription|Licence/ },
    ),
  );

  return page(
    company.name,
    `${company.domain} · ${company.contact_email}`,
    pending.length && !isAdmin ? h("div", { class: "alert info" }, t("chome.ask_admin")) : null,
    decisions,
    subsCard,
    card(
      "buy-title",
      t("chome.purchases"),
      purchases.length
        ? table(
            [t("chome.bought"), t("common.services")],
            purchases.map((p) => [
              fmtDate(p.redeemed_at || p.purchased_at, true),
              (p.lines || [])
                .map((l) => `${fmtNumber(l.quantity)} × ${serviceName(catalogue, l.service_id)}`)
                .join(", "),
            ]),
          )
        : empty(t("chome.no_purchases"), t("chome.no_purchases_text")),
    ),
  );
}
