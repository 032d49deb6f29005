// Actions on one subscription, for whoever may manage it: a partner user acting under Full
// administration (customer-detail.js) or the customer's own Global admin (customer-home.js).
import { post } from "./api.js";
import { announce, confirmAction, countField, disclosure, field, form, h } from "./dom.js";
import { t, tn } from "./i18n.js";

// What may be done to a subscription in each state (the directory enforces the same rules):
// a trial's seats are set by its invitation, only an active subscription changes quantity or
// is suspended, only a suspended one is reactivated, and cancelling is final. Cancelled and
// expired subscriptions offer nothing.
const SUBSCRIPTION_ACTIONS = {
  trial: ["cancel"],
  active: ["quantity", "suspend", "cancel"],
  suspended: ["reactivate", "cancel"],
};

/**
 * The actions a subscription's state allows, for whoever may manage it (a partner under Full
 * administration, or the customer's Global admin). url: the subscription's action base;
 * done(message) announces and re-renders. A refusal shows the server's detail.
 * @param {any} s
 * @param {string} name
 * @param {`/api/customer/subscriptions/${string}` | `/api/partner/customers/${string}/subscriptions/${string}`} url
 * @param {(message: string) => Promise<void>} done
 */
export function subscriptionActions(s, name, url, done) {
  const allowed = SUBSCRIPTION_ACTIONS[s.state] || [];
  if (!allowed.length) return "";
  const slot = h("div", { class: "sub-slot" });
  const toggles = [];
  // A button that opens (or closes) a small form under the buttons.
  const opener = (label, cls, make) => {
    const b = disclosure(label, slot, make, { cls, focus: "input" });
    // One form at a time: opening this one closes the others (they share the slot).
    b.addEventListener("click", () => toggles.forEach((o) => o !== b && o.setAttribute("aria-expanded", "false")));
    toggles.push(b);
    return b;
  };
  const reason = () => field({ name: "reason", label: t("sub.reason"), maxlength: 500 });
  const buttons = allowed.map((action) => {
    if (action === "quantity") {
      return opener(t("sub.change_quantity"), "secondary", () =>
        form(
          { "aria-label": t("sub.quantity_of", { service: name }), "data-testid": "quantity-form" },
          [
            countField({
              name: "quantity",
              label: t("sub.licences_of", { service: name }),
              required: true,
              value: String(s.seats),
              hint: s.assigned ? t("sub.not_below", { count: s.assigned }) : undefined,
            }),
          ],
          async (v) => {
            await post(`${url}/quantity`, { quantity: Number(v.quantity) });
            await done(`${name}: ${tn("common.licences", Number(v.quantity))}.`);
          },
          {
            submitLabel: t("sub.save_quantity"),
            fieldMap: { quantity_unchanged: "quantity", quantity_below_assigned: "quantity" },
          },
        ),
      );
    }
    if (action === "suspend") {
      return opener(t("sub.suspend"), "secondary", () =>
        form(
          { "aria-label": t("sub.suspend_named", { service: name }), "data-testid": "suspend-form" },
          [reason()],
          async (v) => {
            if (
              !(await confirmAction(t("sub.suspend_text", { service: name }), {
                title: t("sub.suspend_title"),
                ok: t("sub.suspend"),
              }))
            )
              return;
            await post(`${url}/suspend`, { reason: v.reason });
            await done(t("sub.suspended_note", { service: name }));
          },
          { submitLabel: t("sub.suspend_submit") },
        ),
      );
    }
    if (action === "cancel") {
      return opener(t("sub.cancel"), "danger", () =>
        form(
          { "aria-label": t("sub.cancel_named", { service: name }), "data-testid": "cancel-form" },
          [reason()],
          async (v) => {
            if (
              !(await confirmAction(t("sub.cancel_text", { service: name }), {
                title: t("sub.cancel_title"),
                ok: t("sub.cancel_ok"),
                danger: true,
              }))
            )
              return;
            await post(`${url}/cancel`, { reason: v.reason });
            await done(t("sub.cancelled_note", { service: name }));
          },
          { submitLabel: t("sub.cancel_submit") },
        ),
      );
    }
    return h(
      "button",
      {
        type: "button",
        class: "secondary",
        onclick: async () => {
          try {
            await post(`${url}/reactivate`);
            await done(t("sub.reactivated_note", { service: name }));
          } catch (error) {
            announce(error.message, "error");
          }
        },
      },
      t("sub.reactivate"),
    );
  });
  return h("div", { "data-testid": `sub-actions-${s.service_id}` }, h("div", { class: "actions" }, buttons), slot);
}
