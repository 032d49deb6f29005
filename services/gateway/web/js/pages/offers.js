// Purchase offers: build one (lines with exact quantities), list, withdraw, and make a new
// offer from an old one (keeping the old one valid or withdrawing it).
import { get, post, services, serviceName } from "../api.js";
import { announce, badge, clear, countField, empty, field, fmtDate, form, h, nextId, pagedTable } from "../dom.js";
import { card, page, showHero } from "../layout.js";
import { liveRegion } from "../live.js";
import { linkActions, linkFor, sharePanel } from "../share.js";
import { roleName } from "./invitations.js";
import { fmtNumber, t } from "../i18n.js";

export default async function offers(ctx) {
  ctx.title(t("nav.offers"));
  const catalogue = await services();
  const onSale = Object.values(catalogue).filter((s) => s.on_sale !== false);
  const editor = h("div", {});
  const created = h("div", { "aria-live": "polite" });
  const listBody = h("div", {});

  function lineRow(i, line = {}) {
    const remove = h(
      "button",
      {
        type: "button",
        class: "link",
        onclick: (e) => {
          e.currentTarget.closest(".line-row").remove();
          renumber();
        },
      },
      t("offers.remove"),
    );
    const group = h(
      "div",
      { class: "line-row", role: "group" },
      field({
        name: `lines.${i}.service_id`,
        label: t("inv.service"),
        required: true,
        value: line.service_id || "",
        options: [["", t("offers.choose")], ...onSale.map((s) => [s.service_id, s.name])],
      }),
      countField({
        name: `lines.${i}.quantity`,
        label: t("common.licences"),
        required: true,
        value: line.quantity ?? "",
      }),
      countField({
        name: `lines.${i}.min_quantity`,
        label: t("offers.min"),
        value: line.min_quantity ?? "",
      }),
      countField({
        name: `lines.${i}.max_quantity`,
        label: t("offers.max"),
        value: line.max_quantity ?? "",
      }),
      remove,
    );
    return group;
  }

  function renumber() {
    editor.querySelectorAll(".line-row").forEach((group, i) => {
      group.setAttribute("aria-label", t("offers.line", { n: i + 1 }));
      group.querySelectorAll("[name]").forEach((c) => (c.name = c.name.replace(/^lines\.\d+\./, `lines.${i}.`)));
    });
  }

  function collectLines(v) {
    const lines = [];
    for (let i = 0; `lines.${i}.service_id` in v; i++) {
      const num = (k) => (v[`lines.${i}.${k}`] ? Number(v[`lines.${i}.${k}`]) : null);
      // The quantity field is required, so the browser sends no line without one.
      lines.push({
        service_id: v[`lines.${i}.service_id`],
        quantity: Number(v[`lines.${i}.quantity`]),
        min_quantity: num("min_quantity"),
        max_quantity: num("max_quantity"),
      });
    }
    return lines;
  }

  /** The editor, empty or prefilled from an old offer (then it makes a replacement). */
  function showEditor(from) {
    const linesBox = h("div", { class: "lines" });
    (from ? from.lines : [{}]).forEach((l, i) => linesBox.append(lineRow(i, l)));
    const add = h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: () => {
          linesBox.append(lineRow(linesBox.children.length));
          renumber();
          linesBox.lastChild.querySelector("select").focus();
        },
      },
      t("offers.add_service"),
    );
    const fields = [
      h("fieldset", {}, h("legend", {}, t("offers.lines")), linesBox, add),
      from
        ? null
        : field({
            name: "delegation_role",
            label: t("inv.delegation"),
            options: [
              ["", t("deleg.ask_none")],
              ["full", t("deleg.ask_full")],
              ["limited", t("deleg.ask_limited")],
            ],
          }),
      from
        ? null
        : field({
            name: "customer_may_change_quantities",
            label: t("offers.changeable"),
            type: "checkbox",
            value: true,
            hint: t("offers.changeable_hint"),
          }),
      field({ name: "expires_at", label: t("common.expires_on"), type: "date" }),
      from
        ? field({
            name: "withdraw_replaced",
            label: t("offers.withdraw_old"),
            type: "checkbox",
            value: false,
            hint: t("offers.withdraw_old_hint"),
          })
        : null,
    ];
    const f = form(
      { "aria-label": from ? t("offers.from_old") : t("offers.new"), "data-testid": "offer-form" },
      fields,
      async (v) => {
        const lines = collectLines(v);
        const expires_at = v.expires_at ? new Date(v.expires_at + "T23:59:59").toISOString() : null;
        const offer = from
          ? await post(`/api/partner/offers/${from.offer_id}/reissue`, {
              lines,
              expires_at,
              withdraw_replaced: Boolean(v.withdraw_replaced),
            })
          : await post("/api/partner/offers", {
              lines,
              expires_at,
              delegation_role: v.delegation_role || null,
              customer_may_change_quantities: Boolean(v.customer_may_change_quantities),
            });
        showCreated(offer);
        showEditor(null);
        await loadFirst();
      },
      {
        submitLabel: from ? t("offers.create_new") : t("offers.create"),
        fieldMap: {
          quantity_out_of_bounds: "lines.0.quantity",
          service_not_on_sale: "lines.0.service_id",
          service_not_found: "lines.0.service_id",
        },
        extraButtons: from
          ? [h("button", { type: "button", class: "secondary", onclick: () => showEditor(null) }, t("common.cancel"))]
          : [],
      },
    );
    renumber();
    const titleId = nextId("offer-editor");
    clear(
      editor,
      h(
        "section",
        { class: "card", "aria-labelledby": titleId },
        h("h2", { id: titleId, tabindex: "-1" }, from ? t("offers.from_old") : t("offers.new")),
        from ? h("p", { class: "muted" }, t("offers.based_on", { date: fmtDate(from.created_at) })) : null,
        f,
      ),
    );
    if (from) editor.querySelector("h2").focus();
  }

  function showCreated(offer) {
    showHero(
      created,
      "offer-created",
      offer.replaces_offer_id ? t("offers.new_created") : t("offers.created"),
      h(
        "p",
        {},
        offer.lines.map((l) => `${fmtNumber(l.quantity)} × ${serviceName(catalogue, l.service_id)}`).join(", "),
      ),
      sharePanel(offer.url || linkFor("o", offer.code), `/api/partner/offers/${offer.offer_id}/send`),
    );
    announce(t("offers.created_note"));
  }

  function row(offer) {
    const details = h("div", {});
    const [disclosed, ended] = linkActions({
      path: `/api/partner/offers/${offer.offer_id}`,
      url: offer.url || linkFor("o", offer.code),
      status: offer.status,
      label: t("offers.link"),
      details,
      funnel: (full) => ({
        title: t("offers.funnel"),
        funnel: full.funnel,
        takenUp: [t("offers.funnel_purchases"), full.funnel.purchases, "funnel-purchases"],
        listTitle: t("offers.purchases"),
        taken: full.redemptions_list || [],
        when: (at) => t("offers.bought_on", { when: at }),
        none: t("offers.no_purchases"),
      }),
      end: {
        path: `/api/partner/offers/${offer.offer_id}/withdraw`,
        label: t("offers.withdraw"),
        text: t("offers.withdraw_text"),
        title: t("offers.withdraw_title"),
        done: t("offers.withdrawn_note"),
      },
      reload: loadFirst,
    });
    return [
      h(
        "div",
        {},
        offer.lines.map((l) =>
          h(
            "div",
            {},
            `${fmtNumber(l.quantity)} × ${l.name || serviceName(catalogue, l.service_id)}`,
            l.min_quantity || l.max_quantity
              ? h(
                  "span",
                  { class: "muted small" },
                  ` (${fmtNumber(l.min_quantity || 1)}–${l.max_quantity ? fmtNumber(l.max_quantity) : t("offers.any")})`,
                )
              : null,
          ),
        ),
        h(
          "div",
          { class: "muted small" },
          t("common.created_on", { date: fmtDate(offer.created_at) }),
          offer.replaces_offer_id ? ` · ${t("offers.replaces")}` : "",
        ),
      ),
      roleName(offer.delegation_role),
      offer.customer_may_change_quantities ? t("common.yes") : t("common.no"),
      fmtNumber(offer.redemptions ?? 0),
      badge(offer.status),
      h(
        "div",
        {},
        h(
          "div",
          { class: "actions" },
          disclosed,
          h(
            "button",
            { type: "button", class: "secondary", onclick: () => showEditor(offer) },
            t("offers.new_from_this"),
          ),
          ended,
        ),
        details,
      ),
    ];
  }

  const loadFirst = pagedTable(
    listBody,
    (params) => get("/api/partner/offers", { limit: 20, ...params }),
    [
      t("common.services"),
      t("common.delegation"),
      t("offers.col_changeable"),
      t("chome.purchases"),
      t("common.status"),
      "",
    ],
    row,
    () => empty(t("offers.none"), t("offers.none_text")),
  );
  await loadFirst();
  ctx.cleanup(liveRegion(listBody, loadFirst, { name: /Offer/ }, 400));
  showEditor(null);

  return page(
    t("nav.offers"),
    t("offers.intro"),
    editor,
    created,
    card("offer-list-title", t("offers.list"), listBody),
  );
}
