// Partner access: pending requests to decide, active delegations to revoke, and history.
import { get, items, post } from "../api.js";
import { announce, badge, clear, confirmedButton, empty, fmtDate, h, shortId, table } from "../dom.js";
import { card, page } from "../layout.js";
import { decisionCard } from "../customer-common.js";
import { roleName } from "./invitations.js";
import { duration } from "./delegations.js";
import { auditAction, t } from "../i18n.js";
import { liveRegion } from "../live.js";

export default async function customerAccess(ctx) {
  ctx.title(t("nav.partner_access"));
  const isAdmin = ctx.session.user.company_role === "global_admin";
  const root = h("div", {});
  const partnerName = (x) =>
    x.partner_name || (x.partner && x.partner.name) || t("access.partner_id", { id: shortId(x.partner_id) });

  /** @param {() => boolean} [quiet] a live refresh draws only if it still holds (liveRegion) */
  async function render(quiet) {
    const [requests, relationships, audit] = await Promise.all([
      get("/api/customer/delegation-requests").then(items),
      get("/api/customer/delegations").then(items),
      isAdmin ? get("/api/customer/audit").then(items) : Promise.resolve([]),
    ]);
    if (quiet && !quiet()) return false;
    const pending = requests.filter((r) => r.state === "pending");
    const active = relationships.filter((r) => r.state === "active");
    clear(
      root,
      pending.length
        ? h(
            "div",
            {},
            isAdmin
              ? pending.map((r) => decisionCard(r, partnerName(r), () => render()))
              : h("div", { class: "alert info" }, t("access.ask_admin")),
          )
        : null,
      card(
        "active-title",
        t("access.active"),
        active.length
          ? table(
              [t("decision.partner"), t("decision.role"), t("common.since"), t("common.ends"), ""],
              active.map((r) => [
                h("strong", {}, partnerName(r)),
                roleName(r.role),
                fmtDate(r.started_at),
                r.ends_at ? fmtDate(r.ends_at) : t("common.until_revoked"),
                isAdmin
                  ? confirmedButton(
                      t("access.revoke"),
                      { text: t("access.revoke_text", { partner: partnerName(r) }), title: t("access.revoke_title") },
                      async () => {
                        await post(`/api/customer/delegations/${r.relationship_id}/revoke`);
                        announce(t("access.revoked_note"));
                        await render();
                      },
                    )
                  : "",
              ]),
            )
          : empty(t("access.none"), t("access.none_text")),
      ),
      card(
        "hist-title",
        t("access.history"),
        requests.length || relationships.length
          ? table(
              [
                t("decision.partner"),
                t("decision.role"),
                t("decision.duration"),
                t("common.requested"),
                t("common.status"),
              ],
              requests.map((r) => [
                partnerName(r),
                roleName(r.role),
                duration(r.duration_seconds),
                fmtDate(r.requested_at),
                badge(r.state),
              ]),
            )
          : empty(t("common.nothing_yet"), t("access.history_empty")),
      ),
      isAdmin
        ? h(
            "section",
            { class: "card", "aria-labelledby": "audit-title", "data-testid": "audit" },
            h("h2", { id: "audit-title" }, t("access.audit")),
            audit.length
              ? table(
                  [t("audit.when"), t("audit.who"), t("decision.partner"), t("audit.action"), t("audit.outcome")],
                  audit.map((a) => [
                    fmtDate(a.at, true),
                    a.actor_name || a.actor_email || "—",
                    a.partner_name || "—",
                    auditAction(a.action),
                    badge(a.outcome === "allowed" ? "allowed" : "refused"),
                  ]),
                )
              : empty(t("common.nothing_yet"), t("access.audit_empty")),
          )
        : null,
    );
    return true;
  }
  await render();
  // New requests and decisions show live, unless a decision is being confirmed.
  ctx.cleanup(liveRegion(root, render, { name: /Delegation/ }));
  return page(t("nav.partner_access"), t("access.intro"), root);
}
