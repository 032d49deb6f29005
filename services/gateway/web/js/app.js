// The single-page shell: session, navigation, and the route table.
import { get, del, onUnauthenticated, setCsrf } from "./api.js";
import { clear, h, announce } from "./dom.js";
import { startLive, stopLive } from "./live.js";

const ROUTES = [
  [/^\/$/, null, "any"],
  [/^\/signin$/, "signin", "any"],
  [/^\/password$/, "password", "signedin"],
  [/^\/partner$/, "overview", "partner"],
  [/^\/partner\/company$/, "company", "partner"],
  [/^\/partner\/customers$/, "customers", "partner"],
  [/^\/partner\/customers\/(?<id>[0-9a-f-]{36})$/, "customer-detail", "partner"],
  [/^\/partner\/invitations$/, "invitations", "partner"],
  [/^\/partner\/offers$/, "offers", "partner"],
  [/^\/partner\/delegations$/, "delegations", "partner"],
  [/^\/partner\/users$/, "users", "partner"],
  [/^\/i\/(?<code>[A-Za-z0-9_-]+)$/, "invitation-page", "any"],
  [/^\/o\/(?<code>[A-Za-z0-9_-]+)$/, "offer-page", "any"],
  [/^\/d\/(?<code>[A-Za-z0-9_-]+)$/, "delegation-page", "any"],
  [/^\/customer$/, "customer-home", "customer"],
  [/^\/customer\/access$/, "customer-access", "customer"],
  [/^\/customer\/requests$/, "customer-requests", "customer"],
];

const PARTNER_NAV = [
  ["/partner", "Overview"],
  ["/partner/customers", "Customers"],
  ["/partner/invitations", "Trial invitations"],
  ["/partner/offers", "Purchase offers"],
  ["/partner/delegations", "Delegated administration"],
  ["/partner/users", "Users"],
  ["/partner/company", "Company information"],
];
const CUSTOMER_NAV = [
  ["/customer", "Subscriptions"],
  ["/customer/access", "Partner access"],
  ["/customer/requests", "Service requests"],
];

export const session = { user: null };
let cleanups = [];

export function home(user = session.user) {
  if (!user) return "/signin";
  if (user.must_change_password) return "/password";
  return user.company_kind === "partner" ? "/partner" : "/customer";
}

export async function loadSession() {
  try {
    const answer = await get("/api/session");
    session.user = answer.user;
    setCsrf(answer.csrf_token);
  } catch {
    session.user = null;
    setCsrf("");
  }
  return session.user;
}

/** After sign-in, sign-up or a password change: remember the answer {user, csrf_token}. */
export function signedIn(answer) {
  session.user = answer.user;
  setCsrf(answer.csrf_token);
  renderChrome();
}

export async function signOut() {
  try {
    await del("/api/session");
  } catch {
    /* signed out anyway */
  }
  session.user = null;
  setCsrf("");
  stopLive();
  navigate("/signin");
  announce("You are signed out.");
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", path);
  else history.pushState({}, "", path);
  render();
}

function renderChrome() {
  const user = session.user;
  const nav = document.getElementById("site-nav");
  const items = !user || user.must_change_password ? [] : user.company_kind === "partner" ? PARTNER_NAV : CUSTOMER_NAV;
  const path = location.pathname;
  clear(nav, items.map(([href, text]) => {
    const current = href === path || (href !== "/partner" && href !== "/customer" && path.startsWith(href + "/"));
    return h("a", { href, "aria-current": current ? "page" : null }, text);
  }));
  document.getElementById("menu-toggle").style.visibility = items.length ? "" : "hidden";
  const account = document.getElementById("account");
  clear(account, user
    ? [h("span", { "data-testid": "who" }, `${user.display_name} · ${user.email}`),
       h("button", { type: "button", class: "secondary", onclick: signOut }, "Sign out")]
    : location.pathname !== "/signin" ? [h("a", { href: "/signin" }, "Sign in")] : []);
  if (user && user.company_kind === "partner" && !user.must_change_password) startLive();
}

async function render() {
  cleanups.forEach((fn) => fn());
  cleanups = [];
  const main = document.getElementById("main");
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const query = new URLSearchParams(location.search);
  const hit = ROUTES.map(([re, page, need]) => [path.match(re), page, need]).find(([m]) => m);
  document.getElementById("site-nav").classList.remove("open");
  document.getElementById("menu-toggle").setAttribute("aria-expanded", "false");
  renderChrome();
  if (!hit) {
    clear(main, h("h1", { tabindex: "-1" }, "Page not found"), h("p", {}, "This address does not lead anywhere. "), h("a", { href: home() }, "Go to the start page"));
    return focusTitle(main);
  }
  const [match, page, need] = hit;
  const user = session.user;
  if (!page) return navigate(home(), { replace: true });
  if (need !== "any" && !user) return navigate(`/signin?next=${encodeURIComponent(path)}`, { replace: true });
  if (user && user.must_change_password && page !== "password" && need !== "any") return navigate("/password", { replace: true });
  if ((need === "partner" || need === "customer") && user.company_kind !== need) {
    clear(main, h("h1", { tabindex: "-1" }, "Not available for your account"),
      h("p", {}, need === "partner" ? "These pages are for partner users." : "These pages are for customer users."),
      h("a", { class: "button", href: home() }, "Go to your start page"));
    return focusTitle(main);
  }
  clear(main, h("p", { class: "loading" }, "Loading…"));
  const token = Symbol("render");
  render.current = token;
  const ctx = {
    params: match.groups || {},
    query,
    session,
    navigate,
    title: (t) => (document.title = `${t} · Partner Portal`),
    cleanup: (fn) => cleanups.push(fn),
  };
  try {
    const module = await import(`./pages/${page}.js`);
    const view = await module.default(ctx);
    if (render.current !== token) return;
    clear(main, view);
  } catch (error) {
    if (render.current !== token) return;
    clear(main, h("h1", { tabindex: "-1" }, "Something went wrong"),
      h("div", { class: "alert error", role: "alert" }, error.message || String(error)),
      h("button", { type: "button", onclick: () => render() }, "Try again"));
  }
  focusTitle(main);
}

function focusTitle(main) {
  const title = main.querySelector("h1");
  if (title) {
    title.setAttribute("tabindex", "-1");
    if (render.moved) title.focus({ preventScroll: false });
  }
  render.moved = true;
}

function boot() {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[href]");
    if (!link || link.target || link.hasAttribute("download") || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/static/")) return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener("popstate", () => render());
  const toggle = document.getElementById("menu-toggle");
  toggle.addEventListener("click", () => {
    const nav = document.getElementById("site-nav");
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  onUnauthenticated(() => {
    if (!session.user) return;
    session.user = null;
    stopLive();
    announce("Your session has ended; please sign in again.", "error");
    navigate(`/signin?next=${encodeURIComponent(location.pathname)}`, { replace: true });
  });
  loadSession().then(render);
}

boot();
