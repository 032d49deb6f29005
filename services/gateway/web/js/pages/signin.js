import { h } from "../dom.js";
import { signInForm } from "../account.js";
import { home } from "../app.js";
import { t } from "../i18n.js";

export default async function signin(ctx) {
  ctx.title(t("signin.title"));
  const next = ctx.query.get("next");
  const done = (user) =>
    ctx.navigate(
      user.must_change_password
        ? "/password"
        : next && next.startsWith("/") && !next.startsWith("//")
          ? next
          : home(user),
    );
  if (ctx.session.user && !ctx.session.user.must_change_password) {
    return h(
      "div",
      { class: "narrow card" },
      h("h1", {}, t("signin.already")),
      h("p", {}, t("signin.as", { name: ctx.session.user.display_name, email: ctx.session.user.email })),
      h("a", { class: "button", href: home() }, t("signin.continue")),
    );
  }
  return h(
    "div",
    { class: "narrow" },
    h(
      "div",
      { class: "card" },
      h("h1", {}, t("signin.title")),
      h("p", { class: "muted" }, t("signin.intro")),
      signInForm(done),
    ),
    h("p", { class: "muted small" }, t("signin.invited")),
  );
}
