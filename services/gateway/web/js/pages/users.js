// The partner's users and their two kinds of admin access.
import { get, items, patch, post } from "../api.js";
import {
  announce,
  badge,
  clear,
  confirmAction,
  confirmedButton,
  empty,
  field,
  form,
  formRow,
  h,
  table,
} from "../dom.js";
import { card, page, showHero } from "../layout.js";
import { has, t } from "../i18n.js";
import { roleName } from "./invitations.js";

const COMPANY_ROLES = [
  "none",
  "global_admin",
  "billing_admin",
  "password_admin",
  "service_admin",
  "user_management_admin",
];
const SUPPORTED = ["none", "full", "limited"];
/** An admin role's name (global_admin -> "Global admin"). */
export const companyRole = (role) =>
  has(`company_role.${role}`) ? t(`company_role.${role}`) : String(role).replace(/_/g, " ");
const supportedName = (access) => (access === "none" ? t("common.none") : roleName(access));
const roleOptions = () => COMPANY_ROLES.map((r) => [r, companyRole(r)]);
const supportedOptions = () => SUPPORTED.map((r) => [r, supportedName(r)]);

/** A new user's name and e-mail address, side by side (a partner's user or a customer's). */
export const newUserRow = () =>
  formRow(
    field({ name: "display_name", label: t("users.name"), required: true }),
    field({ name: "email", label: t("signin.email"), type: "email", required: true }),
  );
/** A new user's address that another user has is said at the address field. */
export const NEW_USER_PROBLEMS = { email_taken: "email", user_email_taken: "email" };

export default async function users(ctx) {
  ctx.title(t("nav.users"));
  const me = ctx.session.user;
  const mayManage = me.company_role === "global_admin" || me.company_role === "user_management_admin";
  const listSlot = h("div", {});
  const secret = h("div", { "aria-live": "polite" });

  function showSecret(title, user, password) {
    showHero(
      secret,
      "temporary-password",
      title,
      h("p", {}, t("users.give_password", { name: user.display_name, email: user.email })),
      h("p", { class: "secret" }, password),
    );
  }

  async function load() {
    const list = items(await get("/api/partner/users"));
    clear(
      listSlot,
      list.length
        ? table(
            [t("cdetail.user"), t("users.company_access"), t("users.customer_access"), t("common.status"), ""],
            list.map((u) => {
              const self = u.user_id === me.user_id;
              const cRole = field({
                name: "company_role",
                label: t("users.company_role_of", { name: u.display_name }),
                options: roleOptions(),
                value: u.company_role,
              });
              const sAccess = field({
                name: "supported_access",
                label: t("users.customer_access_of", { name: u.display_name }),
                options: supportedOptions(),
                value: u.supported_access,
              });
              const disabled = Boolean(u.disabled_at);
              return [
                h(
                  "div",
                  {},
                  h("strong", {}, u.display_name),
                  self ? h("span", { class: "muted" }, ` (${t("users.you")})`) : null,
                  h("div", { class: "muted small" }, u.email),
                ),
                mayManage && !self ? cRole : companyRole(u.company_role),
                mayManage && !self ? sAccess : supportedName(u.supported_access),
                disabled ? badge("disabled") : u.must_change_password ? badge("pending") : badge("active"),
                mayManage && !self
                  ? h(
                      "div",
                      { class: "actions" },
                      h(
                        "button",
                        {
                          type: "button",
                          class: "secondary",
                          onclick: async () => {
                            try {
                              await patch(`/api/partner/users/${u.user_id}`, {
                                company_role: cRole.querySelector("select").value,
                                supported_access: sAccess.querySelector("select").value,
                              });
                              announce(t("users.access_saved", { name: u.display_name }));
                              await load();
                            } catch (error) {
                              announce(error.message, "error");
                            }
                          },
                        },
                        t("users.save_access"),
                      ),
                      confirmedButton(
                        t("users.reset"),
                        {
                          text: t("users.reset_text", { name: u.display_name }),
                          title: t("users.reset_title"),
                          danger: false,
                        },
                        async () => {
                          const answer = await post(`/api/partner/users/${u.user_id}/reset-password`);
                          showSecret(t("users.reset_done"), u, answer.temporary_password);
                        },
                      ),
                      h(
                        "button",
                        {
                          type: "button",
                          class: disabled ? "secondary" : "danger",
                          onclick: async () => {
                            if (
                              !disabled &&
                              !(await confirmAction(t("users.disable_text", { name: u.display_name }), {
                                title: t("users.disable_title"),
                                ok: t("users.disable"),
                                danger: true,
                              }))
                            )
                              return;
                            try {
                              await post(`/api/partner/users/${u.user_id}/${disabled ? "enable" : "disable"}`);
                              announce(
                                t(disabled ? "users.enabled_note" : "users.disabled_note", { name: u.display_name }),
                              );
                              await load();
                            } catch (error) {
                              announce(error.message, "error");
                            }
                          },
                        },
                        disabled ? t("users.enable") : t("users.disable"),
                      ),
                    )
                  : "",
              ];
            }),
          )
        : empty(t("users.none"), t("users.none_text")),
    );
  }
  await load();

  const addForm = mayManage
    ? form(
        { "aria-label": t("users.add"), "data-testid": "user-form" },
        [
          newUserRow(),
          formRow(
            field({ name: "company_role", label: t("users.company_access"), options: roleOptions() }),
            field({
              name: "supported_access",
              label: t("users.customer_access"),
              options: supportedOptions(),
              hint: t("users.customer_access_hint"),
            }),
          ),
        ],
        async (v, formEl) => {
          const answer = await post("/api/partner/users", v);
          showSecret(t("users.added"), answer, answer.temporary_password);
          formEl.reset();
          await load();
        },
        { submitLabel: t("users.add_submit"), fieldMap: NEW_USER_PROBLEMS },
      )
    : null;

  return page(
    t("nav.users"),
    t("users.intro"),
    secret,
    card(
      "users-title",
      t("users.list"),
      listSlot,
      mayManage ? null : h("p", { class: "muted small" }, t("users.only_admins")),
    ),
    addForm ? card("add-title", t("users.add"), addForm) : null,
  );
}
