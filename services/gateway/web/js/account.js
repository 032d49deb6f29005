// Sign-in and sign-up forms, used by the sign-in page and by the invitation and offer pages.
import { post } from "./api.js";
import { field, form, h } from "./dom.js";
import { signedIn } from "./app.js";

export function signInForm(onDone, { submitLabel = "Sign in" } = {}) {
  return form({ "aria-label": "Sign in", "data-testid": "signin-form" }, [
    field({ name: "email", label: "E-mail", type: "email", required: true, autocomplete: "username" }),
    field({ name: "password", label: "Password", type: "password", required: true, autocomplete: "current-password" }),
  ], async (v) => {
    const answer = await post("/api/session", { email: v.email, password: v.password });
    signedIn(answer);
    await onDone(answer.user);
  }, { submitLabel });
}

export function signUpForm(onDone, { submitLabel = "Create my company account" } = {}) {
  return form({ "aria-label": "Sign up", "data-testid": "signup-form" }, [
    h("fieldset", {}, h("legend", {}, "Your company"),
      field({ name: "name", label: "Company name", required: true, autocomplete: "organization" }),
      field({ name: "domain", label: "Company domain", required: true, hint: "For example contoso.com", placeholder: "contoso.com" }),
      field({ name: "contact_email", label: "Contact e-mail", type: "email", required: true, hint: "Where the partner and the provider reach your company" })),
    h("fieldset", {}, h("legend", {}, "Your administrator account"),
      field({ name: "admin.display_name", label: "Your name", required: true, autocomplete: "name" }),
      field({ name: "admin.email", label: "Your e-mail", type: "email", required: true, autocomplete: "email" }),
      field({ name: "admin.password", label: "Password", type: "password", required: true, minlength: 12, autocomplete: "new-password", hint: "At least 12 characters" })),
  ], async (v) => {
    const answer = await post("/api/signup", {
      name: v.name,
      domain: v.domain,
      contact_email: v.contact_email,
      admin: { email: v["admin.email"], display_name: v["admin.display_name"], password: v["admin.password"] },
    });
    signedIn(answer);
    await onDone(answer.user);
  }, { submitLabel, fieldMap: { domain_taken: "domain", customer_domain_taken: "domain", email_taken: "admin.email", user_email_taken: "admin.email" } });
}

/** Sign up / sign in, side by side in tabs (for a customer who arrives from a link). */
export function accountChooser(onDone, intro) {
  const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "Account" });
  const panel = h("div", { role: "tabpanel", id: "account-panel" });
  const choices = [
    ["signup", "I am new here", () => signUpForm(onDone)],
    ["signin", "I already have an account", () => signInForm(onDone)],
  ];
  const buttons = choices.map(([key, text, make]) => {
    const b = h("button", { type: "button", role: "tab", id: `tab-${key}`, "aria-controls": "account-panel", "aria-selected": "false" }, text);
    b.addEventListener("click", () => {
      buttons.forEach((x) => x.setAttribute("aria-selected", String(x === b)));
      panel.setAttribute("aria-labelledby", b.id);
      panel.replaceChildren(make());
    });
    return b;
  });
  tabs.append(...buttons);
  buttons[0].click();
  return h("section", { class: "card", "aria-labelledby": "account-title" },
    h("h2", { id: "account-title" }, "Your company account"), intro ? h("p", { class: "muted" }, intro) : null, tabs, panel);
}
