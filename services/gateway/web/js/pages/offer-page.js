// What a customer sees from a purchase-offer link; buying may change quantities when allowed.
import { post } from "../api.js";
import { announce, clear, confirmAction, field, form, h, table } from "../dom.js";
import { decisionCard, findRequest, linkPage, partnerCard, roleExplained, showLinkAction } from "../customer-common.js";
import { fmtNumber, t, tn } from "../i18n.js";

export default async function offerPage(ctx) {
  const code = ctx.params.code;
  const { page, gone } = await linkPage(ctx, "offers", "opage");
  if (gone) return gone;
  const { offer, partner } = page;
  const changeable = offer.customer_may_change_quantities;
  ctx.title(t("opage.title", { partner: partner.name }));
  const action = h("div", { "aria-live": "polite" });

  function buyCard() {
    const rows = offer.lines.map((l, i) => [
      h("div", {}, h("strong", {}, l.name || l.service_id), h("div", { class: "muted small" }, l.description || "")),
      changeable
        ? h(
            "div",
            { "data-path": `quantities.${i}.quantity` },
            field({
              name: `q.${l.service_id}`,
              label: t("sub.licences_of", { service: l.name || l.service_id }),
              type: "number",
              required: true,
              value: String(l.quantity),
              min: l.min_quantity || 1,
              max: l.max_quantity || 1000000,
              inputmode: "numeric",
              hint:
                l.min_quantity || l.max_quantity
                  ? l.max_quantity
                    ? t("opage.between", { min: l.min_quantity || 1, max: l.max_quantity })
                    : t("opage.at_least", { min: l.min_quantity || 1 })
                  : undefined,
            }),
          )
        : tn("common.licences", l.quantity),
    ]);
    const f = form(
      { "aria-label": t("opage.buy_form"), "data-testid": "buy-form" },
      [table([t("inv.service"), t("opage.quantity")], rows)],
      async (v) => {
        const quantities = offer.lines.map((l) => ({
          service_id: l.service_id,
          quantity: changeable ? Number(v[`q.${l.service_id}`]) : l.quantity,
        }));
        const summary = quantities
          .map(
            (q) =>
              `${fmtNumber(q.quantity)} × ${(offer.lines.find((l) => l.service_id === q.service_id) || {}).name || q.service_id}`,
          )
          .join(", ");
        if (
          !(await confirmAction(t("opage.confirm", { summary, partner: partner.name }), {
            title: t("opage.confirm_title"),
            ok: t("opage.buy_now"),
          }))
        )
          return;
        const changed = quantities.filter((q, i) => q.quantity !== offer.lines[i].quantity);
        const bought = await post("/api/customer/purchases", { code, quantities: changed });
        announce(t("opage.done_note"));
        const done = h(
          "section",
          { class: "card hero", "data-testid": "purchased" },
          h("h2", { tabindex: "-1" }, t("opage.done")),
          h(
            "p",
            {},
            (bought.lines || quantities)
              .map(
                (l) =>
                  `${fmtNumber(l.quantity)} × ${(offer.lines.find((x) => x.service_id === l.service_id) || {}).name || l.service_id}`,
              )
              .join(", "),
          ),
          h("p", { class: "muted" }, t("opage.converted")),
          h("a", { href: "/customer" }, t("page.see_subscriptions")),
        );
        clear(action, done);
        done.querySelector("h2").focus();
        if (offer.delegation_role) {
          const pending = await findRequest((r) => r.state === "pending" && r.source_kind === "offer");
          if (pending) action.append(decisionCard(pending, partner.name));
        }
      },
      {
        submitLabel: t("opage.buy"),
        fieldMap: {
          quantity_out_of_bounds: `q.${offer.lines[0].service_id}`,
          quantities_not_changeable: `q.${offer.lines[0].service_id}`,
        },
      },
    );
    return h("section", { class: "card" }, h("h2", {}, changeable ? t("opage.choose_and_buy") : t("opage.buy")), f);
  }

  showLinkAction(ctx, action, "opage", { offerCode: code }, buyCard);

  return h(
    "div",
    {},
    h(
      "div",
      { class: "hero" },
      h(
        "h1",
        {},
        t("opage.heading", {
          partner: partner.name,
          services: offer.lines.map((l) => l.name || l.service_id).join(", "),
        }),
      ),
      h(
        "ul",
        { "data-testid": "offer-summary" },
        offer.lines.map((l) => h("li", {}, tn("opage.licences_of", l.quantity, { service: l.name || l.service_id }))),
      ),
      changeable ? h("p", {}, t("opage.changeable")) : h("p", { class: "muted" }, t("opage.fixed")),
      offer.delegation_role
        ? h(
            "p",
            { class: "muted" },
            t("opage.also_asks", { partner: partner.name }),
            " ",
            roleExplained(offer.delegation_role),
            " ",
            t("opage.decide_after"),
          )
        : null,
    ),
    h("div", { class: "two-col" }, action, partnerCard(partner)),
  );
}
