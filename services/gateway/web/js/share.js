// Sharing a link: copy it, or send it by e-mail to a list of addresses.
import { post } from "./api.js";
import { announce, field, form, h, urlBox } from "./dom.js";
import { language, LANGUAGES, t, tn } from "./i18n.js";

/** @typedef {Extract<import("./api.js").UrlOf<"post">, `${string}/send`>} SendPath */

/**
 * @param {SendPath} sendPath
 * @param {() => void} [onSent]
 */
export function emailForm(sendPath, onSent) {
  return form(
    { "aria-label": t("share.send_form"), "data-testid": "send-form" },
    [
      field({
        name: "to",
        label: t("share.recipients"),
        type: "textarea",
        rows: 3,
        required: true,
        hint: t("share.recipients_hint"),
      }),
      field({ name: "message", label: t("share.note"), type: "textarea", rows: 3 }),
      field({
        name: "language",
        label: t("share.language"),
        value: language(),
        options: LANGUAGES.map((l) => [l, t(`lang.${l}`)]),
      }),
    ],
    async (v) => {
      const to = v.to.split(/[\s,;]+/).filter(Boolean);
      const answer = await post(sendPath, { to, message: v.message, language: v.language });
      announce(tn("share.sent", answer && answer.sent ? answer.sent : to.length));
      onSent?.();
    },
    { submitLabel: t("share.send_submit"), fieldMap: { mail_unavailable: "to" } },
  );
}

/**
 * The link with Copy, and a toggle that opens the e-mail form.
 * @param {string} url
 * @param {SendPath | null} sendPath null: the caller removes the toggle (no e-mail endpoint)
 */
export function sharePanel(url, sendPath) {
  const slot = h("div", {});
  const toggle = h(
    "button",
    {
      type: "button",
      class: "secondary",
      "aria-expanded": "false",
      onclick: () => {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        // Only offered with a sendPath (the caller removes the toggle otherwise).
        if (sendPath) slot.replaceChildren(open ? emailForm(sendPath, () => toggle.click()) : "");
        if (open) slot.querySelector("textarea").focus();
      },
    },
    t("share.send"),
  );
  return h("div", { class: "share" }, urlBox(url), h("div", { class: "actions" }, toggle), slot);
}

export function linkFor(kind, code) {
  return `${location.origin}/${kind}/${code}`;
}
