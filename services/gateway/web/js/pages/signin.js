import { h } from "../dom.js";
import { signInForm } from "../account.js";
import { home } from "../app.js";

export default async function signin(ctx) {
  ctx.title("Sign in");
  const next = ctx.query.get("next");
  const done = (user) => ctx.navigate(user.must_change_password ? "/password" : next && next.startsWith("/") && !next.startsWith("//") ? next : home(user));
  if (ctx.session.user && !ctx.session.user.must_change_password) {
    return h("div", { class: "narrow card" }, h("h1", {}, "You are signed in"),
      h("p", {}, `As ${ctx.session.user.display_name} (${ctx.session.user.email}).`),
      h("a", { class: "button", href: home() }, "Continue"));
  }
  return h("div", { class: "narrow" },
    h("div", { class: "card" },
      h("h1", {}, "Sign in"),
      h("p", { class: "muted" }, "Partners and customers sign in here with their work e-mail."),
      signInForm(done)),
    h("p", { class: "muted small" }, "A customer invited by a partner? Open the link the partner sent you to create your company account."));
}
