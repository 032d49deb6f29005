// What a customer sees from a purchase-offer link; buying may change quantities when allowed.
import { get, post } from "../api.js";
import { announce, clear, confirmAction, field, form, h, table } from "../dom.js";
import { accountChooser } from "../account.js";
import { decisionCard, findRequest, partnerCard, ROLE_EXPLAINED } from "../customer-common.js";
import { signOut } from "../app.js";

export default async function offerPage(ctx) {
  const code = ctx.params.code;
  let page;
  try {
    page = await get(`/api/public/offers/${code}`);
  } catch (error) {
    ctx.title("Offer unavailable");
    return h("div", { class: "narrow card" }, h("h1", {}, "This offer is no longer available"),
      h("p", {}, error.status === 404 || error.status === 410
        ? "The partner may have withdrawn it or replaced it with a new one, or it has expired. Ask the partner for the current link."
        : error.message));
  }
  const { offer, partner } = page;
  const changeable = offer.customer_may_change_quantities;
  ctx.title(`Offer from ${partner.name}`);
  const action = h("div", { "aria-live": "polite" });

  function buyCard() {
    const user = ctx.session.user;
    if (user.company_kind !== "customer") {
      return h("section", { class: "card" }, h("h2", {}, "Signed in as a partner user"),
        h("p", {}, "Only a customer can buy this offer. Sign out, then sign in to your company account."),
        h("button", { type: "button", class: "secondary", onclick: signOut }, "Sign out"));
    }
    if (user.company_role !== "global_admin") {
      return h("section", { class: "card" }, h("h2", {}, "Ask your administrator"), h("p", {}, "Only a Global admin of your company can buy."));
    }
    const rows = offer.lines.map((l, i) => [
      h("div", {}, h("strong", {}, l.name || l.service_id), h("div", { class: "muted small" }, l.description || "")),
      changeable
        ? h("div", { "data-path": `quantities.${i}.quantity` },
            field({ name: `q.${l.service_id}`, label: `Licences of ${l.name || l.service_id}`, type: "number", required: true, value: String(l.quantity),
              min: l.min_quantity || 1, max: l.max_quantity || 1000000, inputmode: "numeric",
              hint: l.min_quantity || l.max_quantity ? `Between ${l.min_quantity || 1} and ${l.max_quantity || "any number"}` : undefined }))
        : `${l.quantity} licences`,
    ]);
    const f = form({ "aria-label": "Buy this offer", "data-testid": "buy-form" }, [table(["Service", "Quantity"], rows)], async (v) => {
      const quantities = offer.lines.map((l) => ({ service_id: l.service_id, quantity: changeable ? Number(v[`q.${l.service_id}`]) : l.quantity }));
      const summary = quantities.map((q) => `${q.quantity} × ${(offer.lines.find((l) => l.service_id === q.service_id) || {}).name || q.service_id}`).join(", ");
      if (!(await confirmAction(`You are buying ${summary} through ${partner.name}.`, { title: "Confirm your purchase", ok: "Buy now" }))) return;
      const changed = quantities.filter((q, i) => q.quantity !== offer.lines[i].quantity);
      const bought = await post("/api/customer/purchases", { code, quantities: changed });
      announce("Purchase complete.");
      const done = h("section", { class: "card hero", "data-testid": "purchased" },
        h("h2", { tabindex: "-1" }, "Thank you — your purchase is complete"),
        h("p", {}, (bought.lines || quantities).map((l) => `${l.quantity} × ${(offer.lines.find((x) => x.service_id === l.service_id) || {}).name || l.service_id}`).join(", ")),
        h("p", { class: "muted" }, "A trial of the same service becomes a paid subscription; nothing is lost."),
        h("a", { href: "/customer" }, "See your subscriptions"));
      clear(action, done);
      done.querySelector("h2").focus();
      if (offer.delegation_role) {
        const pending = await findRequest((r) => r.state === "pending" && r.source_kind === "offer");
        if (pending) action.append(decisionCard(pending, partner.name));
      }
    }, { submitLabel: "Buy", fieldMap: { quantity_out_of_bounds: `q.${offer.lines[0].service_id}`, quantities_not_changeable: `q.${offer.lines[0].service_id}` } });
    return h("section", { class: "card" }, h("h2", {}, changeable ? "Choose your quantities and buy" : "Buy"), f);
  }

  function show() {
    clear(action, ctx.session.user ? buyCard() : accountChooser(() => show(), "Sign in to your company account (or create one), then buy."));
  }
  show();

  return h("div", {},
    h("div", { class: "hero" },
      h("h1", {}, `${partner.name} offers you ${offer.lines.map((l) => l.name || l.service_id).join(", ")}`),
      h("ul", { "data-testid": "offer-summary" }, offer.lines.map((l) => h("li", {}, `${l.quantity} licences of ${l.name || l.service_id}`))),
      changeable ? h("p", {}, "You may change the quantities when you buy.") : h("p", { class: "muted" }, "The quantities are fixed by the partner."),
      offer.delegation_role ? h("p", { class: "muted" }, `${partner.name} also asks to administer your account. `, ROLE_EXPLAINED[offer.delegation_role], " You decide after buying.") : null),
    h("div", { class: "two-col" }, action, partnerCard(partner)));
}
