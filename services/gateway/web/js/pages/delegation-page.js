// A delegation offer reached by link (/d/{code}): the customer's Global admin decides.
import { get } from "../api.js";
import { clear, h } from "../dom.js";
import { signInForm } from "../account.js";
import { decisionCard, partnerCard } from "../customer-common.js";
import { signOut } from "../app.js";
import { t } from "../i18n.js";

export default async function delegationPage(ctx) {
  const code = ctx.params.code;
  ctx.title(t("decision.title"));
  const body = h("div", { "aria-live": "polite" });

  async function show() {
    const user = ctx.session.user;
    if (!user) {
      return clear(
        body,
        h(
          "div",
          { class: "narrow card" },
          h("h2", {}, t("dpage.sign_in")),
          h("p", { class: "muted" }, t("dpage.sign_in_text")),
          signInForm(() => show()),
        ),
      );
    }
    if (user.company_kind !== "customer" || user.company_role !== "global_admin") {
      return clear(
        body,
        h(
          "div",
          { class: "narrow card" },
          h("h2", {}, t("dpage.not_for_you")),
          h("p", {}, t("dpage.only_admin")),
          h("button", { type: "button", class: "secondary", onclick: signOut }, t("chrome.sign_out")),
        ),
      );
    }
    try {
      const { request, partner } = await get(`/api/customer/delegation-requests/by-code/${code}`);
      clear(
        body,
        h(
          "div",
          { class: "two-col" },
          request.state === "pending"
            ? decisionCard(request, partner.name)
            : h(
                "section",
                { class: "card" },
                h("h2", {}, t("dpage.state", { state: t(`state.${request.state}`) })),
                h("a", { href: "/customer/access" }, t("decision.see_access")),
              ),
          partnerCard(partner, t("decision.partner")),
        ),
      );
    } catch (error) {
      clear(
        body,
        h(
          "div",
          { class: "narrow card" },
          h("h2", {}, t("dpage.not_found")),
          h("p", {}, error.status === 404 ? t("dpage.not_found_text") : error.message),
        ),
      );
    }
  }
  await show();
  return h("div", {}, h("div", { class: "page-head" }, h("div", {}, h("h1", {}, t("decision.title")))), body);
}
