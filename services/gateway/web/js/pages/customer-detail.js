// One customer, and acting for it: subscriptions (quantity, suspend, reactivate, cancel),
// users (add, disable, reset password), licences, service requests. Acting needs an active
// delegation; Limited administration only resets passwords.
import { get, items, post } from "../api.js";
import {
  announce,
  badge,
  clear,
  confirmAction,
  confirmedButton,
  disclosure,
  empty,
  field,
  fmtDate,
  form,
  formRow,
  h,
  table,
} from "../dom.js";
import { card, showHero } from "../layout.js";
import { liveRegion } from "../live.js";
import { services, serviceName } from "../api.js";
import { roleName } from "./invitations.js";
import { NEW_USER_PROBLEMS, newUserRow } from "./users.js";
import { subscriptionActions } from "../subscription-actions.js";
import { auditAction, has, t, tn } from "../i18n.js";
import { companyRole } from "./users.js";

const SEVERITIES = ["normal", "low", "high", "critical"];
// Where a service request may go next (the directory enforces the same table).
const NEXT_STATES = {
  open: ["in_progress"],
  in_progress: ["waiting_on_customer", "resolved"],
  waiting_on_customer: ["in_progress", "resolved"],
  resolved: ["closed", "open"],
  closed: [],
};

export default async function customerDetail(ctx) {
  const id = ctx.params.id;
  const catalogue = await services();
  /** @type {`/api/partner/customers/${string}`} */
  const base = `/api/partner/customers/${id}`;
  const root = h("div", {});
  const secret = h("div", { "aria-live": "polite" });

  // Renders overlap (an action's own and a live update's); only the newest one started is
  // shown, so a slower, older one cannot put back what the page showed before the action.
  let latest = 0;
  /** @param {() => boolean} [quiet] a live refresh draws only if it still holds (liveRegion) */
  async function render(quiet) {
    const mine = ++latest;
    const c = await get(base);
    const role = c.delegation && c.delegation.role;
    const full = role === "full" && ctx.session.user.supported_access === "full";
    const canReset = Boolean(role);
    const requests = await requestsCard(c, { full });
    const audit = await auditCard();
    if (mine !== latest) return;
    if (quiet && !quiet()) return false;
    ctx.title(c.name);
    clear(
      root,
      h(
        "div",
        { class: "page-head" },
        h(
          "div",
          {},
          h("p", {}, h("a", { href: "/partner/customers" }, `← ${t("nav.customers")}`)),
          h("h1", {}, c.name),
          h("p", {}, `${c.domain} · ${c.contact_email}`),
        ),
        role
          ? h("span", { class: "badge good", "data-testid": "delegation-badge" }, roleName(role))
          : h("a", { class: "button secondary", href: `/partner/delegations?customer=${id}` }, t("deleg.offer")),
      ),
      role ? null : h("div", { class: "alert info" }, t("cdetail.por_only")),
      role === "limited" ? h("div", { class: "alert info" }, t("cdetail.limited")) : null,
      secret,
      card(
        "subs-title",
        t("nav.subscriptions"),
        (c.subscriptions || []).length
          ? table(
              [
                t("inv.service"),
                t("common.licences"),
                t("common.state"),
                t("cdetail.ends_renews"),
                t("cdetail.source"),
                ...(full ? [""] : []),
              ],
              c.subscriptions.map((s) => [
                h("strong", {}, serviceName(catalogue, s.service_id)),
                h(
                  "span",
                  { "data-testid": `sub-seats-${s.service_id}` },
                  t("cdetail.assigned", { count: s.assigned, seats: s.seats }),
                ),
                h("span", { "data-testid": `sub-state-${s.service_id}` }, badge(s.state)),
                s.state === "trial" ? t("cdetail.trial_ends", { date: fmtDate(s.trial_ends_at) }) : "—",
                s.source_kind
                  ? has(`source.${s.source_kind}`)
                    ? t(`source.${s.source_kind}`)
                    : s.source_kind.replace(/_/g, " ")
                  : "—",
                ...(full
                  ? [
                      subscriptionActions(
                        s,
                        serviceName(catalogue, s.service_id),
                        `${base}/subscriptions/${s.subscription_id}`,
                        done,
                      ),
                    ]
                  : []),
              ]),
            )
          : empty(t("cdetail.no_subs"), t("cdetail.no_subs_text")),
      ),
      usersCard(c, { full, canReset }),
      full ? licencesCard(c) : null,
      requests,
      audit,
    );
    return true;
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
    return h(
      "section",
      { class: "card", "aria-labelledby": "audit-title", "data-testid": "audit" },
      h("h2", { id: "audit-title" }, t("cdetail.audit")),
      list.length
        ? table(
            [t("audit.when"), t("audit.who"), t("audit.action"), t("audit.outcome")],
            list.map((a) => [
              fmtDate(a.at, true),
              a.actor_name || a.actor_email || "—",
              auditAction(a.action),
              a.outcome === "allowed"
                ? badge("allowed")
                : h("span", {}, badge("refused"), " ", a.reason || a.reason_code || ""),
            ]),
          )
        : empty(t("common.nothing_yet"), t("cdetail.audit_empty")),
    );
  }

  function showSecret(user, password) {
    showHero(
      secret,
      "temporary-password",
      t("password.temporary"),
      h("p", {}, t("cdetail.give_password", { name: user.display_name, email: user.email })),
      h("p", { class: "secret" }, password),
    );
  }

  function usersCard(c, { full, canReset }) {
    const list = c.users || [];
    const rows = list.map((u) => {
      const isAdmin = u.company_role && u.company_role !== "none";
      const mayReset = full || (canReset && !isAdmin);
      return [
        h("div", {}, h("strong", {}, u.display_name), h("div", { class: "muted small" }, u.email)),
        isAdmin ? companyRole(u.company_role) : t("cdetail.user"),
        u.disabled_at ? badge("disabled") : badge("active"),
        h(
          "div",
          { class: "actions" },
          mayReset && !u.disabled_at
            ? confirmedButton(
                t("users.reset"),
                {
                  text: t("cdetail.reset_text", { name: u.display_name }),
                  title: t("users.reset_title"),
                  danger: false,
                  testid: "reset-password",
                },
                async () => {
                  const answer = await post(`${base}/users/${u.user_id}/reset-password`);
                  showSecret(u, answer.temporary_password);
                },
              )
            : null,
          full && !u.disabled_at
            ? h(
                "button",
                {
                  type: "button",
                  class: "danger",
                  onclick: async () => {
                    if (
                      !(await confirmAction(t("cdetail.disable_text", { name: u.display_name }), {
                        title: t("users.disable_title"),
                        ok: t("users.disable"),
                        danger: true,
                      }))
                    )
                      return;
                    try {
                      await post(`${base}/users/${u.user_id}/disable`);
                      announce(t("users.disabled_note", { name: u.display_name }));
                      await render();
                    } catch (error) {
                      announce(error.message, "error");
                    }
                  },
                },
                t("users.disable"),
              )
            : null,
        ),
      ];
    });
    const addForm = full
      ? form(
          { "aria-label": t("cdetail.create_user_form"), "data-testid": "customer-user-form" },
          [newUserRow()],
          async (v) => {
            const answer = await post(`${base}/users`, v);
            showSecret(answer, answer.temporary_password);
            await render();
          },
          { submitLabel: t("cdetail.create_user"), fieldMap: NEW_USER_PROBLEMS },
        )
      : null;
    return card(
      "cusers-title",
      t("nav.users"),
      rows.length
        ? table([t("cdetail.user"), t("decision.role"), t("common.status"), ""], rows)
        : empty(t("cdetail.no_users"), t("cdetail.no_users_text")),
      addForm ? [h("h3", {}, t("cdetail.create_user_title")), addForm] : null,
    );
  }

  function licencesCard(c) {
    const subs = (c.subscriptions || []).filter((s) => s.state === "trial" || s.state === "active");
    const users = (c.users || []).filter((u) => !u.disabled_at);
    if (!subs.length || !users.length) return null;
    const f = form(
      { "aria-label": t("cdetail.assign"), "data-testid": "licence-form" },
      [
        formRow(
          field({
            name: "subscription_id",
            label: t("cdetail.subscription"),
            required: true,
            options: subs.map((s) => [
              s.subscription_id,
              `${serviceName(catalogue, s.service_id)} (${tn("common.licences", s.seats)})`,
            ]),
          }),
          field({
            name: "user_id",
            label: t("cdetail.user"),
            required: true,
            options: users.map((u) => [u.user_id, `${u.display_name} (${u.email})`]),
          }),
        ),
        field({ name: "remove", label: t("cdetail.remove_licence"), type: "checkbox", value: false }),
      ],
      async (v) => {
        await post(`${base}/subscriptions/${v.subscription_id}/${v.remove ? "unassign" : "assign"}`, {
          user_id: v.user_id,
        });
        announce(v.remove ? t("cdetail.licence_removed") : t("cdetail.licence_assigned"));
        await render();
      },
      {
        submitLabel: t("cdetail.apply"),
        fieldMap: { no_free_licence: "subscription_id", licence_already_assigned: "user_id" },
      },
    );
    return card("lic-title", t("common.licences"), f);
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
    const newForm = full
      ? form(
          { "aria-label": t("sr.new"), "data-testid": "service-request-form" },
          [
            field({ name: "title", label: t("sr.title"), required: true, maxlength: 200 }),
            field({
              name: "severity",
              label: t("sr.severity"),
              options: SEVERITIES.map((s) => [s, t(`severity.option.${s}`)]),
            }),
            field({ name: "description", label: t("sr.description"), type: "textarea", required: true }),
            field({ name: "contact_name", label: t("sr.contact_name"), maxlength: 200 }),
          ],
          async (v, formEl) => {
            await post(`${base}/service-requests`, v);
            announce(t("sr.opened_note"));
            formEl.reset();
            await render();
          },
          { submitLabel: t("sr.open") },
        )
      : null;
    return card(
      "sr-title",
      t("nav.service_requests"),
      missing
        ? h("p", { class: "muted" }, t("sr.unavailable"))
        : list.length
          ? table(
              [t("sr.request"), t("sr.severity"), t("common.status"), t("sr.opened"), ""],
              list.map((r) => [
                h("div", {}, h("strong", {}, r.title), h("div", { class: "muted small" }, r.description || "")),
                t(`severity.${r.severity}`),
                badge(r.state),
                fmtDate(r.created_at, true),
                full && r.state !== "closed"
                  ? h(
                      "div",
                      { class: "actions" },
                      disclosure(
                        t("sr.add_note"),
                        (b) => /** @type {HTMLElement} */ (b.closest("td")?.querySelector(".note-slot")),
                        () =>
                          form(
                            { "aria-label": t("sr.note_on", { title: r.title }) },
                            [
                              field({
                                name: "body",
                                label: t("sr.note"),
                                type: "textarea",
                                rows: 2,
                                required: true,
                              }),
                            ],
                            async (v) => {
                              await post(`${base}/service-requests/${r.request_id}/notes`, { body: v.body });
                              announce(t("sr.note_added"));
                              await render();
                            },
                            { submitLabel: t("sr.add_note") },
                          ),
                        { focus: "textarea" },
                      ),
                      ...NEXT_STATES[r.state].map((state) =>
                        h(
                          "button",
                          {
                            type: "button",
                            class: "secondary",
                            onclick: async () => {
                              if (
                                state === "closed" &&
                                !(await confirmAction(t("sr.close_text"), { title: t("sr.close"), ok: t("sr.close") }))
                              )
                                return;
                              await post(`${base}/service-requests/${r.request_id}/state`, { state });
                              announce(t("sr.moved_note", { state: t(`state.${state}`) }));
                              await render();
                            },
                          },
                          t(`sr.to.${state}`),
                        ),
                      ),
                      h("div", { class: "note-slot" }),
                    )
                  : "",
              ]),
            )
          : empty(t("sr.none"), full ? t("sr.none_full") : t("sr.none_partner")),
      newForm ? [h("h3", {}, t("sr.open_title")), newForm] : null,
    );
  }

  await render();
  // A live refresh waits while the user is at work in one of the page's forms or open panels
  // (it would replace them and lose what was typed); the action's own re-render follows anyway.
  ctx.cleanup(liveRegion(root, render, { customer_id: id }));
  return root;
}
