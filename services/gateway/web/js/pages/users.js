// The partner's users and their two kinds of admin access.
import { get, items, patch, post } from "../api.js";
import { announce, badge, clear, confirmAction, empty, field, form, h, table } from "../dom.js";

export const COMPANY_ROLES = [
  ["none", "None"], ["global_admin", "Global admin"], ["billing_admin", "Billing admin"],
  ["password_admin", "Password admin"], ["service_admin", "Service admin"], ["user_management_admin", "User management admin"],
];
export const SUPPORTED = [["none", "None"], ["full", "Full administration"], ["limited", "Limited administration"]];
const label = (list, v) => (list.find(([k]) => k === v) || [v, v])[1];

export default async function users(ctx) {
  ctx.title("Users");
  const me = ctx.session.user;
  const mayManage = me.company_role === "global_admin" || me.company_role === "user_management_admin";
  const listSlot = h("div", {});
  const secret = h("div", { "aria-live": "polite" });

  function showSecret(title, user, password) {
    clear(secret, h("div", { class: "card hero", "data-testid": "temporary-password" },
      h("h2", { tabindex: "-1" }, title),
      h("p", {}, `Give this temporary password to ${user.display_name} (${user.email}). It is shown only once; they choose their own at first sign-in.`),
      h("p", { class: "secret" }, password)));
    secret.querySelector("h2").focus();
  }

  async function load() {
    const list = items(await get("/api/partner/users"));
    clear(listSlot, list.length ? table(["User", "Admin access to your company", "Admin access to customers", "Status", ""], list.map((u) => {
      const self = u.user_id === me.user_id;
      const cRole = field({ name: "company_role", label: `Company role of ${u.display_name}`, options: COMPANY_ROLES, value: u.company_role });
      const sAccess = field({ name: "supported_access", label: `Customer access of ${u.display_name}`, options: SUPPORTED, value: u.supported_access });
      const disabled = Boolean(u.disabled_at);
      return [
        h("div", {}, h("strong", {}, u.display_name), self ? h("span", { class: "muted" }, " (you)") : null, h("div", { class: "muted small" }, u.email)),
        mayManage && !self ? cRole : label(COMPANY_ROLES, u.company_role),
        mayManage && !self ? sAccess : label(SUPPORTED, u.supported_access),
        disabled ? badge("disabled") : u.must_change_password ? badge("pending") : badge("active"),
        mayManage && !self ? h("div", { class: "actions" },
          h("button", { type: "button", class: "secondary", onclick: async () => {
            try {
              await patch(`/api/partner/users/${u.user_id}`, {
                company_role: cRole.querySelector("select").value, supported_access: sAccess.querySelector("select").value,
              });
              announce(`Access of ${u.display_name} saved.`);
              await load();
            } catch (error) {
              announce(error.message, "error");
            }
          } }, "Save access"),
          h("button", { type: "button", class: "secondary", onclick: async () => {
            if (!(await confirmAction(`${u.display_name} will be signed out and must sign in with a temporary password.`, { title: "Reset the password?", ok: "Reset password" }))) return;
            try {
              const answer = await post(`/api/partner/users/${u.user_id}/reset-password`);
              showSecret("Password reset", u, answer.temporary_password);
            } catch (error) {
              announce(error.message, "error");
            }
          } }, "Reset password"),
          h("button", { type: "button", class: disabled ? "secondary" : "danger", onclick: async () => {
            if (!disabled && !(await confirmAction(`${u.display_name} will be signed out and cannot sign in until enabled again.`, { title: "Disable this user?", ok: "Disable", danger: true }))) return;
            try {
              await post(`/api/partner/users/${u.user_id}/${disabled ? "enable" : "disable"}`);
              announce(`${u.display_name} ${disabled ? "enabled" : "disabled"}.`);
              await load();
            } catch (error) {
              announce(error.message, "error");
            }
          } }, disabled ? "Enable" : "Disable")) : "",
      ];
    })) : empty("No users", "Add the people of your company below."));
  }
  await load();

  const addForm = mayManage ? form({ "aria-label": "Add a user", "data-testid": "user-form" }, [
    h("div", { class: "form-row" },
      field({ name: "display_name", label: "Name", required: true }),
      field({ name: "email", label: "E-mail", type: "email", required: true })),
    h("div", { class: "form-row" },
      field({ name: "company_role", label: "Admin access to your company", options: COMPANY_ROLES }),
      field({ name: "supported_access", label: "Admin access to customers", options: SUPPORTED,
        hint: "Full = Global admin in every customer that delegated to you; Limited = password resets only" })),
  ], async (v, formEl) => {
    const answer = await post("/api/partner/users", v);
    showSecret("User added", answer, answer.temporary_password);
    formEl.reset();
    await load();
  }, { submitLabel: "Add user", fieldMap: { email_taken: "email", user_email_taken: "email" } }) : null;

  return h("div", {},
    h("div", { class: "page-head" }, h("div", {}, h("h1", {}, "Users"),
      h("p", {}, "Each user has admin access to your company (one role or none) and admin access to the customers you support."))),
    secret,
    h("section", { class: "card", "aria-labelledby": "users-title" }, h("h2", { id: "users-title" }, "Your company's users"), listSlot,
      mayManage ? null : h("p", { class: "muted small" }, "Only a Global admin or a User management admin can change users.")),
    addForm ? h("section", { class: "card", "aria-labelledby": "add-title" }, h("h2", { id: "add-title" }, "Add a user"), addForm) : null);
}
