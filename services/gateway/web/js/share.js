// Sharing a link: copy it, or send it by e-mail to a list of addresses.
import { post } from "./api.js";
import { announce, field, form, h, urlBox } from "./dom.js";

export function emailForm(sendPath, onSent) {
  return form({ "aria-label": "Send by e-mail", "data-testid": "send-form" }, [
    field({ name: "to", label: "Recipients", type: "textarea", rows: 3, required: true, hint: "One or more e-mail addresses, separated by commas or new lines" }),
    field({ name: "message", label: "Personal note (optional)", type: "textarea", rows: 3 }),
  ], async (v) => {
    const to = v.to.split(/[\s,;]+/).filter(Boolean);
    const answer = await post(sendPath, { to, message: v.message });
    announce(`Sent to ${answer && answer.sent ? answer.sent : to.length} recipient(s).`);
    onSent?.();
  }, { submitLabel: "Send e-mail", fieldMap: { mail_unavailable: "to" } });
}

/** The link with Copy, and a toggle that opens the e-mail form. */
export function sharePanel(url, sendPath) {
  const slot = h("div", {});
  const toggle = h("button", { type: "button", class: "secondary", "aria-expanded": "false", onclick: () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    slot.replaceChildren(open ? emailForm(sendPath, () => toggle.click()) : "");
    if (open) slot.querySelector("textarea").focus();
  } }, "Send by e-mail");
  return h("div", { class: "share" }, urlBox(url), h("div", { class: "actions" }, toggle), slot);
}

export function linkFor(kind, code) {
  return `${location.origin}/${kind}/${code}`;
}
