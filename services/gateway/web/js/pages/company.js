// Company information: everyone at the partner reads it; a Global admin edits it.
import { get, put } from "../api.js";
import { announce, clear, field, form, h, fmtDate } from "../dom.js";

const FIELDS = [
  ["name", "Company name", "text", true],
  ["phone", "Phone", "tel", false],
  ["support_email", "Support e-mail", "email", false],
  ["address", "Address", "textarea", false],
  ["website", "Website", "url", false],
];

export default async function company(ctx) {
  ctx.title("Company information");
  const isGlobalAdmin = ctx.session.user.company_role === "global_admin";
  let profile = await get("/api/partner/company");
  const body = h("div", {});

  function view() {
    clear(body, h("section", { class: "card", "aria-labelledby": "profile-title" },
      h("div", { class: "row" }, h("h2", { id: "profile-title" }, "Profile shown to customers"), h("span", { class: "spacer" }),
        isGlobalAdmin ? h("button", { type: "button", class: "secondary", onclick: edit }, "Edit") : null),
      h("dl", { class: "facts", "data-testid": "company-facts" },
        FIELDS.map(([key, label]) => [h("dt", {}, label), h("dd", { "data-field": key }, profile[key] || "—")]),
        h("dt", {}, "Last changed"), h("dd", {}, fmtDate(profile.updated_at, true))),
      isGlobalAdmin ? null : h("p", { class: "muted small" }, "Only a Global admin of your company can change this information.")));
  }

  function edit() {
    const f = form({ "aria-label": "Edit company information", "data-testid": "company-form" },
      FIELDS.map(([name, label, type, required]) => field({ name, label, type: type === "url" ? "text" : type, required, value: profile[name] || "",
        hint: name === "website" ? "For example https://fabrikam.example" : undefined })),
      async (v) => {
        const payload = { ...v, support_email: v.support_email || null };
        await put("/api/partner/company", payload);
        profile = await get("/api/partner/company");
        view();
        announce("Company information saved.");
        body.querySelector("h2").focus?.();
      },
      { submitLabel: "Save changes", extraButtons: [h("button", { type: "button", class: "secondary", onclick: view }, "Cancel")] });
    clear(body, h("section", { class: "card" }, h("h2", {}, "Edit company information"), f));
    f.querySelector("input").focus();
  }

  view();
  return h("div", {},
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Company information"),
      h("p", {}, "Customers see this on invitation and offer pages."))),
    body);
}
