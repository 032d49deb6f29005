// What a customer sees from a trial-invitation link: who invites, what is offered, then
// sign up or sign in, redeem, and decide on the delegation if one was included.
import { get, post } from "../api.js";
import { announce, clear, h } from "../dom.js";
import { accountChooser } from "../account.js";
import { decisionCard, findRequest, partnerCard, ROLE_EXPLAINED } from "../customer-common.js";
import { signOut } from "../app.js";

export default async function invitationPage(ctx) {
  const code = ctx.params.code;
  let page;
  try {
    page = await get(`/api/public/invitations/${code}`);
  } catch (error) {
    ctx.title("Invitation unavailable");
    return h("div", { class: "narrow card" }, h("h1", {}, "This invitation is no longer available"),
      h("p", {}, error.status === 404 || error.status === 410
        ? "It may have been revoked, have expired, or have been used as often as allowed. Ask the partner who sent it for a new link."
        : error.message));
  }
  const { invitation, service, partner } = page;
  ctx.title(`Try ${service.name}`);
  const action = h("div", { "aria-live": "polite" });

  function redeemCard() {
    const user = ctx.session.user;
    if (user.company_kind !== "customer") {
      return h("section", { class: "card" }, h("h2", {}, "Signed in as a partner user"),
        h("p", {}, "Only a customer can start this trial. Sign out, then create or sign in to your company account."),
        h("button", { type: "button", class: "secondary", onclick: signOut }, "Sign out"));
    }
    if (user.company_role !== "global_admin") {
      return h("section", { class: "card" }, h("h2", {}, "Ask your administrator"),
        h("p", {}, "Only a Global admin of your company can start a trial. Send them this page's address."));
    }
    const button = h("button", { type: "button", "data-testid": "redeem", onclick: async () => {
      button.disabled = true;
      try {
        const redemption = await post("/api/customer/redemptions", { code });
        announce(`Your ${service.name} trial has started.`);
        const done = h("section", { class: "card hero", "data-testid": "redeemed" },
          h("h2", { tabindex: "-1" }, "Your trial has started"),
          h("p", {}, `${redemption.seats} seats of ${service.name} for ${redemption.trial_days} days, with ${partner.name} as your advisor.`),
          h("a", { href: "/customer" }, "See your subscriptions"));
        clear(action, done);
        done.querySelector("h2").focus();
        if (redemption.delegation_role) {
          const pending = await findRequest((r) => r.source_id === redemption.redemption_id && r.state === "pending");
          if (pending) action.append(decisionCard(pending, partner.name));
          else action.append(h("p", { class: "muted" }, "The partner's request for delegated administration will appear under Partner access in a moment."));
        }
      } catch (error) {
        button.disabled = false;
        clear(action, h("div", { class: "alert error", role: "alert" }, error.message), redeemCard());
      }
    } }, `Start my ${service.name} trial`);
    return h("section", { class: "card" }, h("h2", {}, "Start the trial"),
      h("p", {}, `For ${user.display_name}'s company. No payment is needed for the trial.`), button);
  }

  function show() {
    clear(action, ctx.session.user ? redeemCard() : accountChooser(() => show(), "Create your company account, or sign in if your company already has one. Then start the trial."));
  }
  show();

  return h("div", {},
    h("div", { class: "hero" },
      h("h1", {}, `${partner.name} invites you to try ${service.name}`),
      h("p", {}, service.description),
      h("p", { "data-testid": "offer-summary" }, h("strong", {}, `${invitation.seats} seats, free for ${invitation.trial_days} days.`)),
      invitation.delegation_role ? h("p", { class: "muted" }, `${partner.name} also asks to administer your account for you. `, ROLE_EXPLAINED[invitation.delegation_role], " You decide after starting the trial.") : null),
    h("div", { class: "two-col" }, action, partnerCard(partner)));
}
