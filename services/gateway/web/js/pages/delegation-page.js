// A delegation offer reached by link (/d/{code}): the customer's Global admin decides.
import { get } from "../api.js";
import { clear, h } from "../dom.js";
import { signInForm } from "../account.js";
import { decisionCard, partnerCard } from "../customer-common.js";
import { signOut } from "../app.js";

export default async function delegationPage(ctx) {
  const code = ctx.params.code;
  ctx.title("Delegated administration request");
  const body = h("div", { "aria-live": "polite" });

  async function show() {
    const user = ctx.session.user;
    if (!user) {
      return clear(body, h("div", { class: "narrow card" }, h("h2", {}, "Sign in to decide"),
        h("p", { class: "muted" }, "A partner asks to administer your company's account. Sign in as a Global admin of your company to see the request."),
        signInForm(() => show())));
    }
    if (user.company_kind !== "customer" || user.company_role !== "global_admin") {
      return clear(body, h("div", { class: "narrow card" }, h("h2", {}, "Not for this account"),
        h("p", {}, "Only a Global admin of the customer company can decide on this request."),
        h("button", { type: "button", class: "secondary", onclick: signOut }, "Sign out")));
    }
    try {
      const { request, partner } = await get(`/api/customer/delegation-requests/by-code/${code}`);
      clear(body, h("div", { class: "two-col" },
        request.state === "pending" ? decisionCard(request, partner.name)
          : h("section", { class: "card" }, h("h2", {}, `This request is ${request.state}`), h("a", { href: "/customer/access" }, "See partner access")),
        partnerCard(partner, "Partner")));
    } catch (error) {
      clear(body, h("div", { class: "narrow card" }, h("h2", {}, "Request not found"),
        h("p", {}, error.status === 404 ? "This link is not for your company, or the request no longer exists." : error.message)));
    }
  }
  await show();
  return h("div", {}, h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Delegated administration request"))), body);
}
