import { post } from "../api.js";
import { field, form, h, announce } from "../dom.js";
import { home, signedIn } from "../app.js";

export default async function password(ctx) {
  ctx.title("Change your password");
  const forced = ctx.session.user.must_change_password;
  return h("div", { class: "narrow card" },
    h("h1", {}, forced ? "Choose your own password" : "Change your password"),
    forced ? h("p", { class: "alert info" }, "You signed in with a temporary password. Choose a new one to continue.") : null,
    form({ "aria-label": "Change password" }, [
      field({ name: "current_password", label: forced ? "Temporary password" : "Current password", type: "password", required: true, autocomplete: "current-password" }),
      field({ name: "new_password", label: "New password", type: "password", required: true, minlength: 12, autocomplete: "new-password", hint: "At least 12 characters" }),
      field({ name: "repeat", label: "New password again", type: "password", required: true, autocomplete: "new-password" }),
    ], async (v, formEl) => {
      if (v.new_password !== v.repeat) {
        const { ApiError } = await import("../api.js");
        throw new ApiError(422, { detail: "The two passwords differ.", errors: [{ loc: ["body", "repeat"], msg: "The two passwords differ" }] });
      }
      const answer = await post("/api/session/password", { current_password: v.current_password, new_password: v.new_password });
      signedIn(answer);
      announce("Your password is changed.");
      ctx.navigate(home(answer.user));
    }, { submitLabel: "Change password", fieldMap: { wrong_password: "current_password", invalid_credentials: "current_password" } }));
}
