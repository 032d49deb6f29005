// Trial invitations: create (one service + seats, optional delegation), list with redemptions,
// copy the URL, send it by e-mail, revoke.
import { get, post, services, serviceName } from "../api.js";
import { announce, badge, clear, confirmAction, empty, field, fmtDate, form, h, pager, shortId, table } from "../dom.js";
import { onLive, throttled } from "../live.js";
import { linkFor, sharePanel } from "../share.js";

export const ROLE_TEXT = { full: "Full administration", limited: "Limited administration (password resets)", "": "None" };

export default async function invitations(ctx) {
  ctx.title("Trial invitations");
  const catalogue = await services();
  const trials = Object.values(catalogue).filter((s) => s.trial);
  const created = h("div", { "aria-live": "polite" });
  const listBody = h("div", {});
  const listCard = h("section", { class: "card", "aria-labelledby": "inv-list-title" }, h("h2", { id: "inv-list-title" }, "Your invitations"), listBody);
  let rows = [];

  const createForm = form({ "aria-label": "New trial invitation", "data-testid": "invitation-form" }, [
    h("div", { class: "form-row" },
      field({ name: "service_id", label: "Service", required: true, options: [["", "Choose a service…"], ...trials.map((s) => [s.service_id, `${s.name} (up to ${s.trial.max_seats} seats, ${s.trial.days} days)`])] }),
      field({ name: "seats", label: "Seats", type: "number", required: true, min: 1, max: 1000000, value: "10", inputmode: "numeric" })),
    field({ name: "delegation_role", label: "Delegated administration", options: [["", "Do not ask"], ["full", "Ask for Full administration"], ["limited", "Ask for Limited administration"]],
      hint: "The customer decides after redeeming; you get nothing until they approve." }),
    h("div", { class: "form-row" },
      field({ name: "expires_at", label: "Expires on (optional)", type: "date" }),
      field({ name: "max_redemptions", label: "Maximum redemptions (optional)", type: "number", min: 1, max: 1000000, inputmode: "numeric" })),
  ], async (v, formEl) => {
    const body = {
      service_id: v.service_id,
      seats: Number(v.seats),
      delegation_role: v.delegation_role || null,
      expires_at: v.expires_at ? new Date(v.expires_at + "T23:59:59").toISOString() : null,
      max_redemptions: v.max_redemptions ? Number(v.max_redemptions) : null,
    };
    const inv = await post("/api/partner/invitations", body);
    const url = inv.url || linkFor("i", inv.code);
    clear(created, h("div", { class: "card hero", "data-testid": "invitation-created" },
      h("h2", { tabindex: "-1" }, "Invitation created"),
      h("p", {}, `${serviceName(catalogue, inv.service_id)}, ${inv.seats} seats for ${inv.trial_days} days. Send this link to one or many customers, or put it on your website.`),
      sharePanel(url, `/api/partner/invitations/${inv.invitation_id}/send`)));
    created.querySelector("h2").focus();
    formEl.reset();
    announce("Invitation created.");
    await loadFirst();
  }, { submitLabel: "Create invitation", fieldMap: { too_many_seats: "seats", service_not_found: "service_id", trial_not_offered: "service_id", no_trial: "service_id" } });

  function row(inv) {
    const url = linkFor("i", inv.code);
    const details = h("div", {});
    const actions = h("div", { class: "actions" },
      h("button", { type: "button", class: "secondary", "aria-expanded": "false", onclick: async (e) => {
        const b = e.currentTarget;
        const open = b.getAttribute("aria-expanded") !== "true";
        b.setAttribute("aria-expanded", String(open));
        if (!open) return clear(details);
        const full = await get(`/api/partner/invitations/${inv.invitation_id}`);
        const list = full.redemptions_list || [];
        clear(details, sharePanel(url, `/api/partner/invitations/${inv.invitation_id}/send`),
          h("h3", {}, "Redemptions"),
          list.length ? h("ul", {}, list.map((r) => h("li", {}, `${fmtDate(r.redeemed_at, true)} — customer `,
            h("a", { href: `/partner/customers/${r.customer_id}` }, shortId(r.customer_id)))))
            : h("p", { class: "muted" }, "No customer has redeemed this invitation yet."));
      } }, "Link and redemptions"),
      inv.status === "active" ? h("button", { type: "button", class: "danger", onclick: async () => {
        if (!(await confirmAction("Customers who open the link will no longer be able to redeem it. Existing trials stay.", { title: "Revoke this invitation?", ok: "Revoke", danger: true }))) return;
        try {
          await post(`/api/partner/invitations/${inv.invitation_id}/revoke`);
          announce("Invitation revoked.");
          await loadFirst();
        } catch (error) {
          announce(error.message, "error");
        }
      } }, "Revoke") : null);
    return [
      h("div", {}, h("strong", {}, serviceName(catalogue, inv.service_id)), h("div", { class: "muted small" }, `Created ${fmtDate(inv.created_at)}`)),
      String(inv.seats),
      inv.delegation_role ? ROLE_TEXT[inv.delegation_role].split(" (")[0] : "None",
      h("span", { "data-testid": "redemptions" }, `${inv.redemptions}${inv.max_redemptions ? ` of ${inv.max_redemptions}` : ""}`),
      badge(inv.status),
      h("div", {}, actions, details),
    ];
  }

  function renderRows(items, append) {
    rows = append ? rows.concat(items) : items;
    const tableSlot = listBody.querySelector(".table-slot");
    clear(tableSlot, rows.length
      ? table(["Service", "Seats", "Delegation", "Redemptions", "Status", ""], rows.map(row))
      : empty("No invitations yet", "Create one above: pick a service and a number of seats, then share the link with your customers."));
  }
  clear(listBody, h("div", { class: "table-slot" }));
  const loadFirst = pager((params) => get("/api/partner/invitations", { limit: 20, ...params }), renderRows, listBody, { param: "cursor", nextKey: "next_cursor" });
  await loadFirst();
  ctx.cleanup(onLive(throttled((e) => {
    if (/Invitation/.test(e.name)) loadFirst();
  })));

  return h("div", {},
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Trial invitations"),
      h("p", {}, "Invite customers to try one service. The link names you as the advisor of every trial created through it."))),
    h("section", { class: "card", "aria-labelledby": "inv-new-title" }, h("h2", { id: "inv-new-title" }, "New trial invitation"), createForm),
    created,
    listCard);
}
