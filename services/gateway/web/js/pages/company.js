// Company information: everyone at the partner reads it; a Global admin edits it.
import { get, put } from "../api.js";
import { announce, clear, field, form, h, fmtDate } from "../dom.js";
import { page } from "../layout.js";
import { t } from "../i18n.js";

/** @typedef {import("../api.js").Answer<"get", "/api/partner/company">} Company */
/** @type {[keyof Company, string, string, boolean][]} field, label, input type, required */
const FIELDS = [
  ["name", "signup.company_name", "text", true],
  ["phone", "partner.phone", "tel", false],
  ["support_email", "company.support_email", "email", false],
  ["address", "partner.address", "textarea", false],
  ["website", "partner.website", "url", false],
];

export default async function company(ctx) {
  ctx.title(t("nav.company"));
  const isGlobalAdmin = ctx.session.user.company_role === "global_admin";
  let profile = await get("/api/partner/company");
  const body = h("div", {});

  function view() {
    clear(
      body,
      h(
        "section",
        { class: "card", "aria-labelledby": "profile-title" },
        h(
          "div",
          { class: "row" },
          h("h2", { id: "profile-title" }, t("company.profile")),
          h("span", { class: "spacer" }),
          isGlobalAdmin ? h("button", { type: "button", class: "secondary", onclick: edit }, t("company.edit")) : null,
        ),
        h(
          "dl",
          { class: "facts", "data-testid": "company-facts" },
          FIELDS.map(([key, label]) => [h("dt", {}, t(label)), h("dd", { "data-field": key }, profile[key] || "—")]),
          h("dt", {}, t("company.last_changed")),
          h("dd", {}, fmtDate(profile.updated_at, true)),
        ),
        isGlobalAdmin ? null : h("p", { class: "muted small" }, t("company.only_admin")),
      ),
    );
  }

  function edit() {
    const f = form(
      { "aria-label": t("company.edit_title"), "data-testid": "company-form" },
      FIELDS.map(([name, label, type, required]) =>
        field({
          name,
          label: t(label),
          type: type === "url" ? "text" : type,
          required,
          value: profile[name] || "",
          hint: name === "website" ? t("company.website_hint") : undefined,
        }),
      ),
      async (v) => {
        const payload = { ...v, support_email: v.support_email || null };
        await put("/api/partner/company", payload);
        profile = await get("/api/partner/company");
        view();
        announce(t("company.saved"));
        body.querySelector("h2").focus?.();
      },
      {
        submitLabel: t("company.save"),
        extraButtons: [h("button", { type: "button", class: "secondary", onclick: view }, t("common.cancel"))],
      },
    );
    clear(body, h("section", { class: "card" }, h("h2", {}, t("company.edit_title")), f));
    f.querySelector("input").focus();
  }

  view();
  return page(t("nav.company"), t("company.intro"), body);
}
