// Partner access: pending requests to decide, active delegations to revoke, and history.
import { get, items, post } from "../api.js";
import { announce, badge, clear, confirmAction, empty, fmtDate, h, shortId, table } from "../dom.js";
import { decisionCard } from "../customer-common.js";
import { ROLE_TEXT } from "./invitations.js";
import { duration } from "./delegations.js";

export default async function customerAccess(ctx) {
  ctx.title("Partner access");
  const isAdmin = ctx.session.user.company_role === "global_admin";
  const root = h("div", {});
  const partnerName = (x) => x.partner_name || (x.partner && x.partner.name) || `Partner ${shortId(x.partner_id)}`;

  async function render() {
    const [requests, relationships, audit] = await Promise.all([
      get("/api/customer/delegation-requests").then(items),
      get("/api/customer/delegations").then(items),
      isAdmin ? get("/api/customer/audit").then(items) : Promise.resolve([]),
    ]);
    const pending = requests.filter((r) => r.state === "pending");
    const active = relationships.filter((r) => r.state === "active");
    clear(root,
      pending.length ? h("div", {}, isAdmin ? pending.map((r) => decisionCard(r, partnerName(r), () => render()))
        : h("div", { class: "alert info" }, "A partner asks for access. A Global admin of your company can decide here.")) : null,
      h("section", { class: "card", "aria-labelledby": "active-title" }, h("h2", { id: "active-title" }, "Partners with admin access"),
        active.length ? table(["Partner", "Role", "Since", "Ends", ""], active.map((r) => [
          h("strong", {}, partnerName(r)), ROLE_TEXT[r.role].split(" (")[0], fmtDate(r.started_at), r.ends_at ? fmtDate(r.ends_at) : "Until revoked",
          isAdmin ? h("button", { type: "button", class: "danger", onclick: async () => {
            if (!(await confirmAction(`${partnerName(r)} will lose admin access to your company at once.`, { title: "Revoke the partner's access?", ok: "Revoke access", danger: true }))) return;
            try {
              await post(`/api/customer/delegations/${r.relationship_id}/revoke`);
              announce("Access revoked.");
              await render();
            } catch (error) {
              announce(error.message, "error");
            }
          } }, "Revoke access") : ""]))
          : empty("No partner has admin access", "When you approve a partner's request, it appears here and you can revoke it at any time.")),
      h("section", { class: "card", "aria-labelledby": "hist-title" }, h("h2", { id: "hist-title" }, "History"),
        requests.length || relationships.length ? table(["Partner", "Role", "Duration", "Requested", "Status"],
          requests.map((r) => [partnerName(r), ROLE_TEXT[r.role].split(" (")[0], duration(r.duration_seconds), fmtDate(r.requested_at), badge(r.state)]))
          : empty("Nothing yet", "Requests from partners appear here.")),
      isAdmin ? h("section", { class: "card", "aria-labelledby": "audit-title", "data-testid": "audit" },
        h("h2", { id: "audit-title" }, "Who did what in your company"),
        audit.length ? table(["When", "Who", "Partner", "Action", "Outcome"], audit.map((a) => [
          fmtDate(a.at, true), a.actor_name || a.actor_email || "—", a.partner_name || "—",
          a.action.replace(/_/g, " "), badge(a.outcome === "allowed" ? "allowed" : "refused"),
        ])) : empty("Nothing yet", "Actions a partner takes for your company are recorded here.")) : null);
  }
  await render();
  return h("div", {},
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Partner access"),
      h("p", {}, "Partners you allow to administer your company's account on your behalf."))),
    root);
}
