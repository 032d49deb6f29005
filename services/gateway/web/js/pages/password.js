import { post } from "../api.js";
import { field, form, h, announce } from "../dom.js";
import { home, signedIn } from "../app.js";
import { t } from "../i18n.js";

export default async function password(ctx) {
  ctx.title(t("password.title"));
  const forced = ctx.session.user.must_change_password;
  return h(
    "div",
    { class: "narrow card" },
    h("h1", {}, forced ? t("password.choose") : t("password.title")),
    forced ? h("p", { class: "alert info" }, t("password.forced")) : null,
    form(
      { "aria-label": t("password.submit") },
      [
        field({
          name: "current_password",
          label: forced ? t("password.temporary") : t("password.current"),
          type: "password",
          required: true,
          autocomplete: "current-password",
        }),
        field({
          name: "new_password",
          label: t("password.new"),
          type: "password",
          required: true,
          minlength: 12,
          autocomplete: "new-password",
          hint: t("password.hint"),
        }),
        field({
          name: "repeat",
          label: t("password.repeat"),
          type: "password",
          required: true,
          autocomplete: "new-password",
        }),
      ],
      async (v) => {
        if (v.new_password !== v.repeat) {
          const { ApiError } = await import("../api.js");
          throw new ApiError(422, {
            detail: t("form.passwords_differ"),
            errors: [{ loc: ["body", "repeat"], msg: t("form.passwords_differ") }],
          });
        }
        const answer = await post("/api/session/password", {
          current_password: v.current_password,
          new_password: v.new_password,
        });
        await signedIn(answer);
        announce(t("password.changed"));
        ctx.navigate(home(answer.user));
      },
      {
        submitLabel: t("password.submit"),
        fieldMap: { wrong_password: "current_password", invalid_credentials: "current_password" },
      },
    ),
  );
}
