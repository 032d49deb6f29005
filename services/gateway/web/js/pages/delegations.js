// Delegated administration: requests (pending and decided), active relationships, and a
// new offer to an existing customer.
import { get, items, post } from "../api.js";
import { announce, badge, clear, confirmAction, empty, field, fmtDate, form, h, pager, shortId, table } from "../dom.js";
import { onLive, throttled } from "../live.js";
import { sharePanel } from "../share.js";
import { ROLE_TEXT } from "./invitations.js";

export function duration(seconds) {
  if (!seconds) return "Until revoked";
  const days = Math.round(seconds / 86400);
  return `${days} day${days === 1 ? "" : "s"}`;
}

export default async function delegations(ctx) {
  ctx.title("Delegated administration");
  const preselect = ctx.query.get("customer") || "";
  const customers = items(await get("/api/partner/customers", { limit: 100 }).catch(() => ({ items: [] })));
  const names = Object.fromEntries(customers.map((c) => [c.customer_id, c.name]));
  const customerLink = (id) => h("a", { href: `/partner/customers/${id}` }, names[id] || `Customer ${shortId(id)}`);
  const created = h("div", { "aria-live": "polite" });

  const offerForm = form({ "aria-label": "Offer delegated administration", "data-testid": "delegation-form" }, [
    customers.length
      ? field({ name: "customer_id", label: "Customer", required: true, value: preselect, options: [["", "Choose a customer…"], ...customers.map((c) => [c.customer_id, `${c.name} (${c.domain})`])] })
      : field({ name: "customer_id", label: "Customer id", required: true, value: preselect, hint: "You have no customers yet; they appear once they redeem an invitation or offer." }),
    h("div", { class: "form-row" },
      field({ name: "role", label: "Role", required: true, options: [["full", ROLE_TEXT.full], ["limited", ROLE_TEXT.limited]] }),
      field({ name: "duration_days", label: "Duration in days (optional)", type: "number", min: 1, max: 730, inputmode: "numeric", hint: "Empty: until revoked" })),
  ], async (v, formEl) => {
    const answer = await post("/api/partner/delegation-requests", {
      customer_id: v.customer_id, role: v.role, duration_days: v.duration_days ? Number(v.duration_days) : null,
    });
    clear(created, h("div", { class: "card hero", "data-testid": "delegation-created" },
      h("h2", { tabindex: "-1" }, "Delegation offered"),
      h("p", {}, "Send this link to an administrator of the customer. You get nothing until they approve."),
      sharePanel(answer.url, null)));
    created.querySelector(".share .actions")?.remove(); // no e-mail endpoint for delegation links
    created.querySelector("h2").focus();
    formEl.reset();
    announce("Delegated administration offered.");
    await Promise.all([loadRequests(), loadRelationships()]);
  }, { submitLabel: "Offer delegated administration", fieldMap: { customer_not_found: "customer_id", delegation_already_active: "customer_id", request_already_pending: "customer_id" } });

  const reqBody = h("div", {}, h("div", { class: "table-slot" }));
  let reqRows = [];
  const loadRequests = pager((p) => get("/api/partner/delegation-requests", { limit: 20, ...p }), (list, append) => {
    reqRows = append ? reqRows.concat(list) : list;
    clear(reqBody.querySelector(".table-slot"), reqRows.length
      ? table(["Customer", "Role", "Duration", "Requested", "Status"], reqRows.map((r) => [
          customerLink(r.customer_id), ROLE_TEXT[r.role].split(" (")[0], duration(r.duration_seconds), fmtDate(r.requested_at), badge(r.state)]))
      : empty("No requests yet", "Requests appear when a customer redeems an invitation or offer that includes delegated administration, or when you offer it below."));
  }, reqBody, { param: "cursor", nextKey: "next_cursor" });

  const relBody = h("div", {}, h("div", { class: "table-slot" }));
  let relRows = [];
  const loadRelationships = pager((p) => get("/api/partner/delegations", { limit: 20, ...p }), (list, append) => {
    relRows = append ? relRows.concat(list) : list;
    clear(relBody.querySelector(".table-slot"), relRows.length
      ? table(["Customer", "Role", "Since", "Ends", "Status", ""], relRows.map((r) => [
          customerLink(r.customer_id), ROLE_TEXT[r.role].split(" (")[0], fmtDate(r.started_at), r.ends_at ? fmtDate(r.ends_at) : "Until revoked", badge(r.state),
          r.state === "active" ? h("button", { type: "button", class: "danger", onclick: async () => {
            if (!(await confirmAction("Your users will lose admin access to this customer at once.", { title: "Give up this delegation?", ok: "Revoke", danger: true }))) return;
            try {
              await post(`/api/partner/delegations/${r.relationship_id}/revoke`);
              announce("Delegation revoked.");
              await loadRelationships();
            } catch (error) {
              announce(error.message, "error");
            }
          } }, "Revoke") : ""]))
      : empty("No delegations yet", "When a customer approves a request, you can act for it from the Customers page."));
  }, relBody, { param: "cursor", nextKey: "next_cursor" });

  await Promise.all([loadRequests(), loadRelationships()]);
  ctx.cleanup(onLive(throttled((e) => {
    if (/Delegation/.test(e.name)) Promise.all([loadRequests(), loadRelationships()]);
  })));

  return h("div", {},
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Delegated administration"),
      h("p", {}, "Administer a customer's account on its behalf, once the customer authorises it."))),
    h("section", { class: "card", "aria-labelledby": "rel-title" }, h("h2", { id: "rel-title" }, "Customers that delegated to you"), relBody),
    h("section", { class: "card", "aria-labelledby": "req-title" }, h("h2", { id: "req-title" }, "Requests"), reqBody),
    h("section", { class: "card", "aria-labelledby": "offer-title" }, h("h2", { id: "offer-title" }, "Offer delegated administration to a customer"), offerForm),
    created);
}
