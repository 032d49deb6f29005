// The customer's start page: its company, subscriptions (a Global admin manages them:
// quantity, suspend, reactivate, cancel), purchases, and pending decisions.
import { get, items, services, serviceName } from "../api.js";
import { announce, badge, clear, empty, fmtDate, h, table } from "../dom.js";
import { decisionCard } from "../customer-common.js";
import { subscriptionActions } from "../subscription-actions.js";

export default async function customerHome(ctx) {
  ctx.title("Your subscriptions");
  const catalogue = await services();
  const [company, subs, requests, purchases] = await Promise.all([
    get("/api/customer"),
    get("/api/customer/subscriptions").then(items),
    get("/api/customer/delegation-requests").then(items),
    get("/api/customer/purchases").then(items).catch(() => []),
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
    clear(subsCard, h("h2", { id: "subs-title" }, "Subscriptions"),
      list.length ? table(["Service", "Licences", "State", "Trial ends", "Since", ...(isAdmin ? [""] : [])], list.map((s) => [
        h("strong", {}, serviceName(catalogue, s.service_id)),
        h("span", { "data-testid": `sub-seats-${s.service_id}` }, String(s.seats)),
        h("span", { "data-testid": `sub-state-${s.service_id}` }, badge(s.state)),
        s.state === "trial" ? fmtDate(s.trial_ends_at) : "—", fmtDate(s.created_at),
        ...(isAdmin ? [subscriptionActions(s, serviceName(catalogue, s.service_id), `/api/customer/subscriptions/${s.subscription_id}`, done)] : [])]))
        : empty("No subscriptions yet", "Open the invitation or offer link your partner sent you to start a trial or buy."));
  }
  showSubscriptions(subs);

  return h("div", {},
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, company.name), h("p", {}, `${company.domain} · ${company.contact_email}`))),
    pending.length && !isAdmin ? h("div", { class: "alert info" }, "A partner asks to administer your company. A Global admin of your company can decide under Partner access.") : null,
    decisions,
    subsCard,
    h("section", { class: "card", "aria-labelledby": "buy-title" }, h("h2", { id: "buy-title" }, "Purchases"),
      purchases.length ? table(["Bought", "Services"], purchases.map((p) => [fmtDate(p.redeemed_at || p.purchased_at, true),
        (p.lines || []).map((l) => `${l.quantity} × ${serviceName(catalogue, l.service_id)}`).join(", ")]))
        : empty("No purchases yet", "When your partner sends you an offer, open its link to buy.")));
}
