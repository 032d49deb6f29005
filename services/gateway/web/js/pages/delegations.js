// Delegated administration: requests (pending and decided), active relationships, and a
// new offer to an existing customer.
import { get, items, post } from "../api.js";
import {
  announce,
  badge,
  confirmedButton,
  empty,
  field,
  fmtDate,
  form,
  formRow,
  h,
  pagedTable,
  shortId,
} from "../dom.js";
import { card, page, showHero } from "../layout.js";
import { liveRegion } from "../live.js";
import { sharePanel } from "../share.js";
import { roleName } from "./invitations.js";
import { t, tn } from "../i18n.js";

export function duration(seconds) {
  if (!seconds) return t("common.until_revoked");
  return tn("common.days", Math.round(seconds / 86400));
}

export default async function delegations(ctx) {
  ctx.title(t("nav.delegations"));
  const preselect = ctx.query.get("customer") || "";
  const customers = items(await get("/api/partner/customers", { limit: 100 }).catch(() => ({ items: [] })));
  const names = Object.fromEntries(customers.map((c) => [c.customer_id, c.name]));
  const customerLink = (id) =>
    h("a", { href: `/partner/customers/${id}` }, names[id] || t("deleg.customer_id", { id: shortId(id) }));
  const created = h("div", { "aria-live": "polite" });

  const offerForm = form(
    { "aria-label": t("deleg.offer"), "data-testid": "delegation-form" },
    [
      customers.length
        ? field({
            name: "customer_id",
            label: t("customers.customer"),
            required: true,
            value: preselect,
            options: [
              ["", t("deleg.choose_customer")],
              ...customers.map((c) => [c.customer_id, `${c.name} (${c.domain})`]),
            ],
          })
        : field({
            name: "customer_id",
            label: t("deleg.customer_id_label"),
            required: true,
            value: preselect,
            hint: t("deleg.no_customers_hint"),
          }),
      formRow(
        field({
          name: "role",
          label: t("decision.role"),
          required: true,
          options: [
            ["full", roleName("full", true)],
            ["limited", roleName("limited", true)],
          ],
        }),
        field({
          name: "duration_days",
          label: t("deleg.duration"),
          type: "number",
          min: 1,
          max: 730,
          inputmode: "numeric",
          hint: t("deleg.duration_hint"),
        }),
      ),
    ],
    async (v, formEl) => {
      const answer = await post("/api/partner/delegation-requests", {
        customer_id: v.customer_id,
        role: v.role,
        duration_days: v.duration_days ? Number(v.duration_days) : null,
      });
      showHero(
        created,
        "delegation-created",
        t("deleg.offered"),
        h("p", {}, t("deleg.offered_text")),
        sharePanel(answer.url, null),
      );
      created.querySelector(".share .actions")?.remove(); // no e-mail endpoint for delegation links
      formEl.reset();
      announce(t("deleg.offered_note"));
      await Promise.all([loadRequests(), loadRelationships()]);
    },
    {
      submitLabel: t("deleg.offer"),
      fieldMap: {
        customer_not_found: "customer_id",
        delegation_already_active: "customer_id",
        request_already_pending: "customer_id",
      },
    },
  );

  const reqBody = h("div", {});
  const loadRequests = pagedTable(
    reqBody,
    (p) => get("/api/partner/delegation-requests", { limit: 20, ...p }),
    [t("customers.customer"), t("decision.role"), t("decision.duration"), t("common.requested"), t("common.status")],
    (r) => [
      customerLink(r.customer_id),
      roleName(r.role),
      duration(r.duration_seconds),
      fmtDate(r.requested_at),
      badge(r.state),
    ],
    () => empty(t("deleg.no_requests"), t("deleg.no_requests_text")),
  );

  const relBody = h("div", {});
  const loadRelationships = pagedTable(
    relBody,
    (p) => get("/api/partner/delegations", { limit: 20, ...p }),
    [t("customers.customer"), t("decision.role"), t("common.since"), t("common.ends"), t("common.status"), ""],
    (r) => [
      customerLink(r.customer_id),
      roleName(r.role),
      fmtDate(r.started_at),
      r.ends_at ? fmtDate(r.ends_at) : t("common.until_revoked"),
      badge(r.state),
      r.state === "active"
        ? confirmedButton(
            t("common.revoke"),
            { text: t("deleg.revoke_text"), title: t("deleg.revoke_title") },
            async () => {
              await post(`/api/partner/delegations/${r.relationship_id}/revoke`);
              announce(t("deleg.revoked_note"));
              await loadRelationships();
            },
          )
        : "",
    ],
    () => empty(t("deleg.none"), t("deleg.none_text")),
  );

  await Promise.all([loadRequests(), loadRelationships()]);
  ctx.cleanup(
    liveRegion(
      [reqBody, relBody],
      async (quiet) =>
        (await Promise.all([loadRequests(quiet), loadRelationships(quiet)])).every((drawn) => drawn !== false),
      { name: /Delegation/ },
      400,
    ),
  );

  return page(
    t("nav.delegations"),
    t("deleg.intro"),
    card("rel-title", t("deleg.relationships"), relBody),
    card("req-title", t("deleg.requests"), reqBody),
    card("offer-title", t("overview.task.delegate"), offerForm),
    created,
  );
}
