// Trial invitations: create (one service + seats, optional delegation), list with redemptions,
// copy the URL, send it by e-mail, revoke.
import { get, post, services, serviceName } from "../api.js";
import { announce, badge, countField, empty, field, fmtDate, form, formRow, h, pagedTable } from "../dom.js";
import { card, page, showHero } from "../layout.js";
import { liveRegion } from "../live.js";
import { linkActions, linkFor, sharePanel } from "../share.js";
import { fmtNumber, t, tn } from "../i18n.js";

/** A delegation role's name ("full", "limited"); `long` adds what it allows. */
export const roleName = (role, long = false) => (role ? t(`role.${role}${long ? ".long" : ""}`) : t("common.none"));

export default async function invitations(ctx) {
  ctx.title(t("inv.title"));
  const catalogue = await services();
  const trials = Object.values(catalogue).filter((s) => s.trial);
  const created = h("div", { "aria-live": "polite" });
  const listBody = h("div", {});
  const listCard = card("inv-list-title", t("inv.list"), listBody);

  const createForm = form(
    { "aria-label": t("inv.new"), "data-testid": "invitation-form" },
    [
      formRow(
        field({
          name: "service_id",
          label: t("inv.service"),
          required: true,
          options: [
            ["", t("inv.choose_service")],
            ...trials.map((s) => [
              s.service_id,
              t("inv.service_option", {
                name: s.name,
                seats: tn("inv.up_to_seats", s.trial.max_seats),
                days: tn("common.days", s.trial.days),
              }),
            ]),
          ],
        }),
        countField({
          name: "seats",
          label: t("inv.seats"),
          required: true,
          value: "10",
        }),
      ),
      field({
        name: "delegation_role",
        label: t("inv.delegation"),
        options: [
          ["", t("deleg.ask_none")],
          ["full", t("deleg.ask_full")],
          ["limited", t("deleg.ask_limited")],
        ],
        hint: t("inv.delegation_hint"),
      }),
      formRow(
        field({ name: "expires_at", label: t("common.expires_on"), type: "date" }),
        countField({
          name: "max_redemptions",
          label: t("inv.max_redemptions"),
        }),
      ),
    ],
    async (v, formEl) => {
      const body = {
        service_id: v.service_id,
        seats: Number(v.seats),
        delegation_role: v.delegation_role || null,
        expires_at: v.expires_at ? new Date(v.expires_at + "T23:59:59").toISOString() : null,
        max_redemptions: v.max_redemptions ? Number(v.max_redemptions) : null,
      };
      const inv = await post("/api/partner/invitations", body);
      const url = inv.url || linkFor("i", inv.code);
      showHero(
        created,
        "invitation-created",
        t("inv.created"),
        h(
          "p",
          {},
          t("inv.created_text", {
            service: serviceName(catalogue, inv.service_id),
            seats: tn("common.seats", inv.seats),
            days: tn("common.days", inv.trial_days),
          }),
        ),
        sharePanel(url, `/api/partner/invitations/${inv.invitation_id}/send`),
      );
      formEl.reset();
      announce(t("inv.created_note"));
      await loadFirst();
    },
    {
      submitLabel: t("inv.create"),
      fieldMap: {
        too_many_seats: "seats",
        service_not_found: "service_id",
        trial_not_offered: "service_id",
        no_trial: "service_id",
      },
    },
  );

  function row(inv) {
    const url = linkFor("i", inv.code);
    const details = h("div", {});
    const actions = h(
      "div",
      { class: "actions" },
      ...linkActions({
        path: `/api/partner/invitations/${inv.invitation_id}`,
        url,
        status: inv.status,
        label: t("inv.link_and_redemptions"),
        details,
        funnel: (full) => ({
          title: t("inv.funnel"),
          funnel: full.funnel,
          takenUp: [t("inv.funnel_redemptions"), full.funnel.redemptions, "funnel-redemptions"],
          listTitle: t("inv.redemptions"),
          taken: full.redemptions_list || [],
          when: (at) => t("inv.redeemed_by", { when: at }),
          none: t("inv.no_redemptions"),
        }),
        end: {
          path: `/api/partner/invitations/${inv.invitation_id}/revoke`,
          label: t("common.revoke"),
          text: t("inv.revoke_text"),
          title: t("inv.revoke_title"),
          done: t("inv.revoked_note"),
        },
        reload: loadFirst,
      }),
    );
    return [
      h(
        "div",
        {},
        h("strong", {}, serviceName(catalogue, inv.service_id)),
        h("div", { class: "muted small" }, t("common.created_on", { date: fmtDate(inv.created_at) })),
      ),
      fmtNumber(inv.seats),
      roleName(inv.delegation_role),
      h(
        "span",
        { "data-testid": "redemptions" },
        inv.max_redemptions
          ? t("inv.redemptions_of", { count: inv.redemptions, max: inv.max_redemptions })
          : fmtNumber(inv.redemptions),
      ),
      badge(inv.status),
      h("div", {}, actions, details),
    ];
  }

  const loadFirst = pagedTable(
    listBody,
    (params) => get("/api/partner/invitations", { limit: 20, ...params }),
    [t("inv.service"), t("inv.seats"), t("common.delegation"), t("inv.redemptions"), t("common.status"), ""],
    row,
    () => empty(t("inv.none"), t("inv.none_text")),
  );
  await loadFirst();
  // A row the partner has opened stays open: the list catches up once it is closed.
  ctx.cleanup(liveRegion(listBody, loadFirst, { name: /Invitation/ }, 400));

  return page(t("inv.title"), t("inv.intro"), card("inv-new-title", t("inv.new"), createForm), created, listCard);
}
