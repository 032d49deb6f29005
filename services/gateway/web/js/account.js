// Sign-in and sign-up forms, used by the sign-in page and by the invitation and offer pages.
import { post } from "./api.js";
import { field, form, h } from "./dom.js";
import { card } from "./layout.js";
import { signedIn } from "./app.js";
import { t } from "./i18n.js";

export function signInForm(onDone, { submitLabel = t("signin.submit") } = {}) {
  return form(
    { "aria-label": t("signin.form"), "data-testid": "signin-form" },
    [
      field({ name: "email", label: t("signin.email"), type: "email", required: true, autocomplete: "username" }),
      field({
        name: "password",
        label: t("signin.password"),
        type: "password",
        required: true,
        autocomplete: "current-password",
      }),
    ],
    async (v) => {
      const answer = await post("/api/session", { email: v.email, password: v.password });
      await signedIn(answer);
      await onDone(answer.user);
    },
    { submitLabel },
  );
}

/**
 * @param {(user: any) => unknown} onDone
 * @param {{ submitLabel?: string, invitationCode?: string | null, offerCode?: string | null }} [options]
 *   invitationCode / offerCode: the link the customer signs up from, counted in its funnel
 */
export function signUpForm(onDone, { submitLabel = t("signup.submit"), invitationCode = null, offerCode = null } = {}) {
  return form(
    { "aria-label": t("signup.form"), "data-testid": "signup-form" },
    [
      h(
        "fieldset",
        {},
        h("legend", {}, t("signup.company")),
        field({ name: "name", label: t("signup.company_name"), required: true, autocomplete: "organization" }),
        field({
          name: "domain",
          label: t("signup.domain"),
          required: true,
          hint: t("signup.domain_hint"),
          placeholder: "contoso.com",
        }),
        field({
          name: "contact_email",
          label: t("signup.contact_email"),
          type: "email",
          required: true,
          hint: t("signup.contact_hint"),
        }),
      ),
      h(
        "fieldset",
        {},
        h("legend", {}, t("signup.admin")),
        field({ name: "admin.display_name", label: t("signup.your_name"), required: true, autocomplete: "name" }),
        field({
          name: "admin.email",
          label: t("signup.your_email"),
          type: "email",
          required: true,
          autocomplete: "email",
        }),
        field({
          name: "admin.password",
          label: t("signin.password"),
          type: "password",
          required: true,
          minlength: 12,
          autocomplete: "new-password",
          hint: t("password.hint"),
        }),
      ),
    ],
    async (v) => {
      const answer = await post("/api/signup", {
        name: v.name,
        domain: v.domain,
        contact_email: v.contact_email,
        admin: { email: v["admin.email"], display_name: v["admin.display_name"], password: v["admin.password"] },
        ...(invitationCode ? { invitation_code: invitationCode } : {}),
        ...(offerCode ? { offer_code: offerCode } : {}),
      });
      await signedIn(answer);
      await onDone(answer.user);
    },
    {
      submitLabel,
      fieldMap: {
        domain_taken: "domain",
        customer_domain_taken: "domain",
        email_taken: "admin.email",
        user_email_taken: "admin.email",
      },
    },
  );
}

/** Sign up / sign in, side by side in tabs (for a customer who arrives from a link). */
/**
 * @param {(user: any) => unknown} onDone
 * @param {string} intro
 * @param {{ invitationCode?: string | null, offerCode?: string | null }} [options]
 */
export function accountChooser(onDone, intro, { invitationCode = null, offerCode = null } = {}) {
  const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": t("account.tabs") });
  const panel = h("div", { role: "tabpanel", id: "account-panel" });
  const choices = [
    ["signup", t("account.new"), () => signUpForm(onDone, { invitationCode, offerCode })],
    ["signin", t("account.existing"), () => signInForm(onDone)],
  ];
  const buttons = choices.map(([key, text, make]) => {
    const b = h(
      "button",
      { type: "button", role: "tab", id: `tab-${key}`, "aria-controls": "account-panel", "aria-selected": "false" },
      text,
    );
    b.addEventListener("click", () => {
      buttons.forEach((x) => x.setAttribute("aria-selected", String(x === b)));
      panel.setAttribute("aria-labelledby", b.id);
      panel.replaceChildren(make());
    });
    return b;
  });
  tabs.append(...buttons);
  buttons[0].click();
  return card("account-title", t("account.title"), intro ? h("p", { class: "muted" }, intro) : null, tabs, panel);
}
