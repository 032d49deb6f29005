// One customer, and acting for it: subscriptions (quantity, suspend, reactivate, cancel),
// users (add, disable, reset password), licences, service requests. Acting needs an active
// delegation; Limited administration only resets passwords.
import { get, items, post } from "../api.js";
import { announce, badge, clear, confirmAction, empty, field, fmtDate, form, h, table } from "../dom.js";
import { onLive, throttled } from "../live.js";
import { services, serviceName } from "../api.js";
import { ROLE_TEXT } from "./invitations.js";
import { subscriptionActions } from "../subscription-actions.js";

const SEVERITIES = [["normal", "Normal"], ["low", "Low"], ["high", "High"], ["critical", "Critical — service down"]];
// Where a service request may go next (the directory enforces the same table).
const NEXT_STATES = {
  open: [["in_progress", "In progress"]],
  in_progress: [["waiting_on_customer", "Waiting on customer"], ["resolved", "Resolved"]],
  waiting_on_customer: [["in_progress", "In progress"], ["resolved", "Resolved"]],
  resolved: [["closed", "Closed"], ["open", "Reopen"]],
  closed: [],
};

export default async function customerDetail(ctx) {
  const id = ctx.params.id;
  const catalogue = await services();
  const base = `/api/partner/customers/${id}`;
  const root = h("div", {});
  const secret = h("div", { "aria-live": "polite" });

  // Renders overlap (an action's own and a live update's); only the newest one started is
  // shown, so a slower, older one cannot put back what the page showed before the action.
  let latest = 0;
  async function render() {
    const mine = ++latest;
    const c = await get(base);
    const role = c.delegation && c.delegation.role;
    const full = role === "full" && ctx.session.user.supported_access === "full";
    const canReset = Boolean(role);
    const requests = await requestsCard(c, { full });
    const audit = await auditCard();
    if (mine !== latest) return;
    ctx.title(c.name);
    clear(root,
      h("div", { class: "page-head" },
        h("div", {}, h("p", {}, h("a", { href: "/partner/customers" }, "← Customers")), h("h1", {}, c.name), h("p", {}, `${c.domain} · ${c.contact_email}`)),
        role ? h("span", { class: "badge good", "data-testid": "delegation-badge" }, ROLE_TEXT[role].split(" (")[0])
          : h("a", { class: "button secondary", href: `/partner/delegations?customer=${id}` }, "Offer delegated administration")),
      role ? null : h("div", { class: "alert info" }, "You can see this customer because you are its partner of record. To act for it, the customer must approve delegated administration."),
      role === "limited" ? h("div", { class: "alert info" }, "Limited administration: you can reset passwords of users who are not admins, nothing else.") : null,
      secret,
      h("section", { class: "card", "aria-labelledby": "subs-title" }, h("h2", { id: "subs-title" }, "Subscriptions"),
        (c.subscriptions || []).length ? table(["Service", "Licences", "State", "Ends / renews", "Source", ...(full ? [""] : [])], c.subscriptions.map((s) => [
          h("strong", {}, serviceName(catalogue, s.service_id)),
          h("span", { "data-testid": `sub-seats-${s.service_id}` }, s.assigned !== undefined ? `${s.assigned} of ${s.seats} assigned` : String(s.seats)),
          h("span", { "data-testid": `sub-state-${s.service_id}` }, badge(s.state)),
          s.state === "trial" ? `Trial ends ${fmtDate(s.trial_ends_at)}` : "—",
          s.source_kind ? s.source_kind.replace(/_/g, " ") : "—",
          ...(full ? [subscriptionActions(s, serviceName(catalogue, s.service_id), `${base}/subscriptions/${s.subscription_id}`, done)] : []),
        ])) : empty("No subscriptions", "Send this customer a trial invitation or a purchase offer.")),
      usersCard(c, { full, canReset }),
      full ? licencesCard(c) : null,
      requests,
      audit);
  }

  async function done(message) {
    announce(message);
    await render();
  }

  // Who of the partner did what for this customer: every attempt, allowed or refused.
  async function auditCard() {
    let list = [];
    try {
      list = items(await get(`${base}/audit`));
    } catch (error) {
      if (error.status !== 403 && error.status !== 404) throw error;
    }
    return h("section", { class: "card", "aria-labelledby": "audit-title", "data-testid": "audit" },
      h("h2", { id: "audit-title" }, "Actions taken for this customer"),
      list.length ? table(["When", "Who", "Action", "Outcome"], list.map((a) => [
        fmtDate(a.at, true), a.actor_name || a.actor_email || "—", a.action.replace(/_/g, " "),
        a.outcome === "allowed" ? badge("allowed") : h("span", {}, badge("refused"), " ", a.reason || a.reason_code || ""),
      ])) : empty("Nothing yet", "Every action your users take for this customer is recorded here."));
  }

  function showSecret(user, password) {
    clear(secret, h("div", { class: "card hero", "data-testid": "temporary-password" },
      h("h2", { tabindex: "-1" }, "Temporary password"),
      h("p", {}, `Give this to ${user.display_name} (${user.email}) by a safe channel. It is shown once; they choose their own at next sign-in.`),
      h("p", { class: "secret" }, password)));
    secret.querySelector("h2").focus();
  }

  function usersCard(c, { full, canReset }) {
    const list = c.users || [];
    const rows = list.map((u) => {
      const isAdmin = u.company_role && u.company_role !== "none";
      const mayReset = full || (canReset && !isAdmin);
      return [
        h("div", {}, h("strong", {}, u.display_name), h("div", { class: "muted small" }, u.email)),
        isAdmin ? u.company_role.replace(/_/g, " ") : "User",
        u.disabled_at ? badge("disabled") : badge("active"),
        h("div", { class: "actions" },
          mayReset && !u.disabled_at ? h("button", { type: "button", class: "secondary", "data-testid": "reset-password", onclick: async () => {
            if (!(await confirmAction(`${u.display_name} will have to sign in with a temporary password.`, { title: "Reset this password?", ok: "Reset password" }))) return;
            try {
              const answer = await post(`${base}/users/${u.user_id}/reset-password`);
              showSecret(u, answer.temporary_password);
            } catch (error) {
              announce(error.message, "error");
            }
          } }, "Reset password") : null,
          full && !u.disabled_at ? h("button", { type: "button", class: "danger", onclick: async () => {
            if (!(await confirmAction(`${u.display_name} will no longer be able to sign in.`, { title: "Disable this user?", ok: "Disable", danger: true }))) return;
            try {
              await post(`${base}/users/${u.user_id}/disable`);
              announce(`${u.display_name} disabled.`);
              await render();
            } catch (error) {
              announce(error.message, "error");
            }
          } }, "Disable") : null),
      ];
    });
    const addForm = full ? form({ "aria-label": "Create a user for the customer", "data-testid": "customer-user-form" }, [
      h("div", { class: "form-row" },
        field({ name: "display_name", label: "Name", required: true }),
        field({ name: "email", label: "E-mail", type: "email", required: true })),
    ], async (v) => {
      const answer = await post(`${base}/users`, v);
      showSecret(answer, answer.temporary_password);
      await render();
    }, { submitLabel: "Create user", fieldMap: { email_taken: "email", user_email_taken: "email" } }) : null;
    return h("section", { class: "card", "aria-labelledby": "cusers-title" }, h("h2", { id: "cusers-title" }, "Users"),
      rows.length ? table(["User", "Role", "Status", ""], rows) : empty("No users visible", "Users appear once delegated administration is active."),
      addForm ? [h("h3", {}, "Create a user"), addForm] : null);
  }

  function licencesCard(c) {
    const subs = (c.subscriptions || []).filter((s) => s.state === "trial" || s.state === "active");
    const users = (c.users || []).filter((u) => !u.disabled_at);
    if (!subs.length || !users.length) return null;
    const f = form({ "aria-label": "Assign a licence", "data-testid": "licence-form" }, [
      h("div", { class: "form-row" },
        field({ name: "subscription_id", label: "Subscription", required: true, options: subs.map((s) => [s.subscription_id, `${serviceName(catalogue, s.service_id)} (${s.seats} licences)`]) }),
        field({ name: "user_id", label: "User", required: true, options: users.map((u) => [u.user_id, `${u.display_name} (${u.email})`]) })),
      field({ name: "remove", label: "Remove the licence instead of assigning it", type: "checkbox", value: false }),
    ], async (v) => {
      await post(`${base}/subscriptions/${v.subscription_id}/${v.remove ? "unassign" : "assign"}`, { user_id: v.user_id });
      announce(v.remove ? "Licence removed." : "Licence assigned.");
      await render();
    }, { submitLabel: "Apply", fieldMap: { no_free_licence: "subscription_id", licence_already_assigned: "user_id" } });
    return h("section", { class: "card", "aria-labelledby": "lic-title" }, h("h2", { id: "lic-title" }, "Licences"), f);
  }

  async function requestsCard(c, { full }) {
    let list = [];
    let missing = false;
    try {
      list = items(await get(`${base}/service-requests`));
    } catch (error) {
      missing = error.status === 404 || error.status === 405;
      if (!missing && error.status !== 403) throw error;
    }
    const newForm = full ? form({ "aria-label": "New service request", "data-testid": "service-request-form" }, [
      field({ name: "title", label: "Title", required: true, maxlength: 200 }),
      field({ name: "severity", label: "Severity", options: SEVERITIES }),
      field({ name: "description", label: "Description", type: "textarea", required: true }),
      field({ name: "contact_name", label: "Contact name", maxlength: 200 }),
    ], async (v, formEl) => {
      await post(`${base}/service-requests`, v);
      announce("Service request opened.");
      formEl.reset();
      await render();
    }, { submitLabel: "Open service request" }) : null;
    return h("section", { class: "card", "aria-labelledby": "sr-title" }, h("h2", { id: "sr-title" }, "Service requests"),
      missing ? h("p", { class: "muted" }, "Service requests are not available yet.")
        : list.length ? table(["Request", "Severity", "Status", "Opened", ""], list.map((r) => [
            h("div", {}, h("strong", {}, r.title), h("div", { class: "muted small" }, r.description || "")),
            r.severity, badge(r.state), fmtDate(r.created_at, true),
            full && r.state !== "closed" ? h("div", { class: "actions" },
              h("button", { type: "button", class: "secondary", "aria-expanded": "false", onclick: (e) => {
                const b = e.currentTarget;
                const slot = b.closest("td").querySelector(".note-slot");
                const open = b.getAttribute("aria-expanded") !== "true";
                b.setAttribute("aria-expanded", String(open));
                clear(slot, open ? form({ "aria-label": `Note on ${r.title}` }, [field({ name: "body", label: "Note", type: "textarea", rows: 2, required: true })],
                  async (v) => {
                    await post(`${base}/service-requests/${r.request_id}/notes`, { body: v.body });
                    announce("Note added.");
                    await render();
                  }, { submitLabel: "Add note" }) : null);
                if (open) slot.querySelector("textarea").focus();
              } }, "Add note"),
              ...NEXT_STATES[r.state].map(([state, label]) => h("button", { type: "button", class: "secondary", onclick: async () => {
                if (state === "closed" && !(await confirmAction("Close this service request?", { title: "Close request", ok: "Close request" }))) return;
                await post(`${base}/service-requests/${r.request_id}/state`, { state });
                announce(`Service request: ${label.toLowerCase()}.`);
                await render();
              } }, label)), h("div", { class: "note-slot" })) : "",
          ])) : empty("No service requests", full ? "Open one below when the customer needs help from the provider." : "None open for this customer."),
      newForm ? [h("h3", {}, "Open a service request"), newForm] : null);
  }

  await render();
  // A live refresh waits while the user is typing in one of the page's forms (it would
  // replace the form and lose what was typed); the action's own re-render follows anyway.
  const typing = () => root.contains(document.activeElement) && document.activeElement.matches("input, select, textarea");
  ctx.cleanup(onLive(throttled((e) => {
    if (e.data && e.data.customer_id === id && !typing()) render();
  }, 600)));
  return root;
}
