// Purchase offers: build one (lines with exact quantities), list, withdraw, and make a new
// offer from an old one (keeping the old one valid or withdrawing it).
import { get, post, services, serviceName } from "../api.js";
import { announce, badge, clear, confirmAction, empty, field, fmtDate, form, h, nextId, pager, table } from "../dom.js";
import { onLive, throttled } from "../live.js";
import { linkFor, sharePanel } from "../share.js";
import { ROLE_TEXT } from "./invitations.js";

export default async function offers(ctx) {
  ctx.title("Purchase offers");
  const catalogue = await services();
  const onSale = Object.values(catalogue).filter((s) => s.on_sale !== false);
  const editor = h("div", {});
  const created = h("div", { "aria-live": "polite" });
  const listBody = h("div", {}, h("div", { class: "table-slot" }));
  let rows = [];

  function lineRow(i, line = {}) {
    const remove = h("button", { type: "button", class: "link", onclick: (e) => {
      e.currentTarget.closest(".line-row").remove();
      renumber();
    } }, "Remove");
    const row = h("div", { class: "line-row", role: "group" },
      field({ name: `lines.${i}.service_id`, label: "Service", required: true, value: line.service_id || "",
        options: [["", "Choose…"], ...onSale.map((s) => [s.service_id, s.name])] }),
      field({ name: `lines.${i}.quantity`, label: "Licences", type: "number", required: true, min: 1, max: 1000000, value: line.quantity ?? "", inputmode: "numeric" }),
      field({ name: `lines.${i}.min_quantity`, label: "Min (optional)", type: "number", min: 1, max: 1000000, value: line.min_quantity ?? "", inputmode: "numeric" }),
      field({ name: `lines.${i}.max_quantity`, label: "Max (optional)", type: "number", min: 1, max: 1000000, value: line.max_quantity ?? "", inputmode: "numeric" }),
      remove);
    return row;
  }

  function renumber() {
    editor.querySelectorAll(".line-row").forEach((row, i) => {
      row.setAttribute("aria-label", `Line ${i + 1}`);
      row.querySelectorAll("[name]").forEach((c) => (c.name = c.name.replace(/^lines\.\d+\./, `lines.${i}.`)));
    });
  }

  function collectLines(v) {
    const lines = [];
    for (let i = 0; `lines.${i}.service_id` in v; i++) {
      const num = (k) => (v[`lines.${i}.${k}`] ? Number(v[`lines.${i}.${k}`]) : null);
      lines.push({ service_id: v[`lines.${i}.service_id`], quantity: num("quantity"), min_quantity: num("min_quantity"), max_quantity: num("max_quantity") });
    }
    return lines;
  }

  /** The editor, empty or prefilled from an old offer (then it makes a replacement). */
  function showEditor(from) {
    const linesBox = h("div", { class: "lines" });
    (from ? from.lines : [{}]).forEach((l, i) => linesBox.append(lineRow(i, l)));
    const add = h("button", { type: "button", class: "secondary", onclick: () => {
      linesBox.append(lineRow(linesBox.children.length));
      renumber();
      linesBox.lastChild.querySelector("select").focus();
    } }, "Add a service");
    const fields = [
      h("fieldset", {}, h("legend", {}, "Services and exact number of licences"), linesBox, add),
      from ? null : field({ name: "delegation_role", label: "Delegated administration", options: [["", "Do not ask"], ["full", "Ask for Full administration"], ["limited", "Ask for Limited administration"]] }),
      from ? null : field({ name: "customer_may_change_quantities", label: "The customer may change the quantities when buying", type: "checkbox", value: true, hint: "Within the min and max of each line, when given" }),
      field({ name: "expires_at", label: "Expires on (optional)", type: "date" }),
      from ? field({ name: "withdraw_replaced", label: "Withdraw the old offer", type: "checkbox", value: false, hint: "Otherwise the old offer stays valid too" }) : null,
    ];
    const f = form({ "aria-label": from ? "New offer from an old one" : "New purchase offer", "data-testid": "offer-form" }, fields, async (v, formEl) => {
      const lines = collectLines(v);
      const expires_at = v.expires_at ? new Date(v.expires_at + "T23:59:59").toISOString() : null;
      const offer = from
        ? await post(`/api/partner/offers/${from.offer_id}/reissue`, { lines, expires_at, withdraw_replaced: Boolean(v.withdraw_replaced) })
        : await post("/api/partner/offers", { lines, expires_at, delegation_role: v.delegation_role || null, customer_may_change_quantities: Boolean(v.customer_may_change_quantities) });
      showCreated(offer);
      showEditor(null);
      await loadFirst();
    }, { submitLabel: from ? "Create the new offer" : "Create offer",
      fieldMap: { quantity_out_of_bounds: "lines.0.quantity", service_not_on_sale: "lines.0.service_id", service_not_found: "lines.0.service_id" },
      extraButtons: from ? [h("button", { type: "button", class: "secondary", onclick: () => showEditor(null) }, "Cancel")] : [] });
    renumber();
    const titleId = nextId("offer-editor");
    clear(editor, h("section", { class: "card", "aria-labelledby": titleId },
      h("h2", { id: titleId, tabindex: "-1" }, from ? "New offer from an old one" : "New purchase offer"),
      from ? h("p", { class: "muted" }, `Based on the offer of ${fmtDate(from.created_at)}. Change the quantities, then choose whether the old offer stays valid.`) : null,
      f));
    if (from) editor.querySelector("h2").focus();
  }

  function showCreated(offer) {
    clear(created, h("div", { class: "card hero", "data-testid": "offer-created" },
      h("h2", { tabindex: "-1" }, offer.replaces_offer_id ? "New offer created" : "Offer created"),
      h("p", {}, offer.lines.map((l) => `${l.quantity} × ${serviceName(catalogue, l.service_id)}`).join(", ")),
      sharePanel(offer.url || linkFor("o", offer.code), `/api/partner/offers/${offer.offer_id}/send`)));
    created.querySelector("h2").focus();
    announce("Offer created.");
  }

  function row(offer) {
    const details = h("div", {});
    return [
      h("div", {}, offer.lines.map((l) => h("div", {}, `${l.quantity} × ${l.name || serviceName(catalogue, l.service_id)}`,
        l.min_quantity || l.max_quantity ? h("span", { class: "muted small" }, ` (${l.min_quantity || 1}–${l.max_quantity || "any"})`) : null)),
        h("div", { class: "muted small" }, `Created ${fmtDate(offer.created_at)}${offer.replaces_offer_id ? " · replaces an earlier offer" : ""}`)),
      offer.delegation_role ? ROLE_TEXT[offer.delegation_role].split(" (")[0] : "None",
      offer.customer_may_change_quantities ? "Yes" : "No",
      String(offer.redemptions ?? 0),
      badge(offer.status),
      h("div", {}, h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", "aria-expanded": "false", onclick: (e) => {
          const b = e.currentTarget;
          const open = b.getAttribute("aria-expanded") !== "true";
          b.setAttribute("aria-expanded", String(open));
          clear(details, open ? sharePanel(offer.url || linkFor("o", offer.code), `/api/partner/offers/${offer.offer_id}/send`) : null);
        } }, "Link"),
        h("button", { type: "button", class: "secondary", onclick: () => showEditor(offer) }, "New offer from this"),
        offer.status === "active" ? h("button", { type: "button", class: "danger", onclick: async () => {
          if (!(await confirmAction("Customers will no longer be able to buy through this offer's link.", { title: "Withdraw this offer?", ok: "Withdraw", danger: true }))) return;
          try {
            await post(`/api/partner/offers/${offer.offer_id}/withdraw`);
            announce("Offer withdrawn.");
            await loadFirst();
          } catch (error) {
            announce(error.message, "error");
          }
        } }, "Withdraw") : null), details),
    ];
  }

  function renderRows(items, append) {
    rows = append ? rows.concat(items) : items;
    clear(listBody.querySelector(".table-slot"), rows.length
      ? table(["Services", "Delegation", "Quantities changeable", "Purchases", "Status", ""], rows.map(row))
      : empty("No purchase offers yet", "After a trial, build an offer above with the exact number of licences, then send the link to the customer."));
  }
  const loadFirst = pager((params) => get("/api/partner/offers", { limit: 20, ...params }), renderRows, listBody, { param: "cursor", nextKey: "next_cursor" });
  await loadFirst();
  ctx.cleanup(onLive(throttled((e) => {
    if (/Offer/.test(e.name)) loadFirst();
  })));
  showEditor(null);

  return h("div", {},
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Purchase offers"),
      h("p", {}, "Offer one or more services with an exact number of licences. The link names you as the advisor."))),
    editor, created,
    h("section", { class: "card", "aria-labelledby": "offer-list-title" }, h("h2", { id: "offer-list-title" }, "Your offers"), listBody));
}
