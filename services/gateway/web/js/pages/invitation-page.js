// What a customer sees from a trial-invitation link: who invites, what is offered, then
// sign up or sign in, redeem, and decide on the delegation if one was included.
import { post } from "../api.js";
import { announce, clear, h } from "../dom.js";
import { decisionCard, findRequest, linkPage, partnerCard, roleExplained, showLinkAction } from "../customer-common.js";
import { t, tn } from "../i18n.js";

export default async function invitationPage(ctx) {
  const code = ctx.params.code;
  const { page, gone } = await linkPage(ctx, "invitations", "ipage");
  if (gone) return gone;
  const { invitation, service, partner } = page;
  ctx.title(t("ipage.title", { service: service.name }));
  const action = h("div", { "aria-live": "polite" });

  function redeemCard() {
    const user = ctx.session.user;
    const button = h(
      "button",
      {
        type: "button",
        "data-testid": "redeem",
        onclick: async () => {
          button.disabled = true;
          try {
            const redemption = await post("/api/customer/redemptions", { code });
            announce(t("ipage.started_note", { service: service.name }));
            const done = h(
              "section",
              { class: "card hero", "data-testid": "redeemed" },
              h("h2", { tabindex: "-1" }, t("ipage.started")),
              h(
                "p",
                {},
                t("ipage.started_text", {
                  seats: tn("ipage.seats_of", redemption.seats, { service: service.name }),
                  days: tn("common.days", redemption.trial_days),
                  partner: partner.name,
                }),
              ),
              h("a", { href: "/customer" }, t("page.see_subscriptions")),
            );
            clear(action, done);
            done.querySelector("h2").focus();
            if (redemption.delegation_role) {
              const pending = await findRequest(
                (r) => r.source_id === redemption.redemption_id && r.state === "pending",
              );
              if (pending) action.append(decisionCard(pending, partner.name));
              else action.append(h("p", { class: "muted" }, t("page.request_soon")));
            }
          } catch (error) {
            button.disabled = false;
            clear(action, h("div", { class: "alert error", role: "alert" }, error.message), redeemCard());
          }
        },
      },
      t("ipage.start_button", { service: service.name }),
    );
    return h(
      "section",
      { class: "card" },
      h("h2", {}, t("ipage.start")),
      h("p", {}, t("ipage.start_text", { name: user.display_name })),
      button,
    );
  }

  showLinkAction(ctx, action, "ipage", { invitationCode: code }, redeemCard);

  return h(
    "div",
    {},
    h(
      "div",
      { class: "hero" },
      h("h1", {}, t("ipage.heading", { partner: partner.name, service: service.name })),
      h("p", {}, service.description),
      h(
        "p",
        { "data-testid": "offer-summary" },
        h(
          "strong",
          {},
          t("ipage.summary", {
            seats: tn("common.seats", invitation.seats),
            days: tn("common.days", invitation.trial_days),
          }),
        ),
      ),
      invitation.delegation_role
        ? h(
            "p",
            { class: "muted" },
            t("ipage.also_asks", { partner: partner.name }),
            " ",
            roleExplained(invitation.delegation_role),
            " ",
            t("ipage.decide_after"),
          )
        : null,
    ),
    h("div", { class: "two-col" }, action, partnerCard(partner)),
  );
}
