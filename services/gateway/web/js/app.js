// The single-page shell: session, navigation, and the route table.
import { get, del, put, onUnauthenticated, setCsrf } from "./api.js";
import { byId, clear, h, announce } from "./dom.js";
import { startLive, stopLive } from "./live.js";
import { language, t, useLanguage } from "./i18n.js";

/** @type {[RegExp, string | null, string][]} pattern, page module, who may see it */
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
  [/^\/partner\/webhooks$/, "webhooks", "partner"],
  [/^\/i\/(?<code>[A-Za-z0-9_-]+)$/, "invitation-page", "any"],
  [/^\/o\/(?<code>[A-Za-z0-9_-]+)$/, "offer-page", "any"],
  [/^\/d\/(?<code>[A-Za-z0-9_-]+)$/, "delegation-page", "any"],
  [/^\/customer$/, "customer-home", "customer"],
  [/^\/customer\/access$/, "customer-access", "customer"],
  [/^\/customer\/requests$/, "customer-requests", "customer"],
];

const PARTNER_NAV = [
  ["/partner", "nav.overview"],
  ["/partner/customers", "nav.customers"],
  ["/partner/invitations", "nav.invitations"],
  ["/partner/offers", "nav.offers"],
  ["/partner/delegations", "nav.delegations"],
  ["/partner/users", "nav.users"],
  ["/partner/company", "nav.company"],
  ["/partner/webhooks", "nav.webhooks", "global_admin"],
];
const CUSTOMER_NAV = [
  ["/customer", "nav.subscriptions"],
  ["/customer/access", "nav.partner_access"],
  ["/customer/requests", "nav.service_requests"],
];

/** @typedef {import("./api.js").Answer<"get", "/api/session">} SessionAnswer */
/** @type {{ user: SessionAnswer["user"] | null }} */
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

/** After sign-in, sign-up or a password change: remember the answer {user, csrf_token}, and
 * speak the language the user chose before (from any browser). */
/** @param {SessionAnswer} answer */
export async function signedIn(answer) {
  session.user = answer.user;
  setCsrf(answer.csrf_token);
  await loadLanguage();
  renderChrome();
}

/** The language the gateway resolves for this visitor: the user's stored choice, the cookie, or Accept-Language. */
async function loadLanguage() {
  let wanted = "en";
  try {
    wanted = (await get("/api/preferences/language")).language;
  } catch {
    /* English, the default */
  }
  try {
    if (wanted !== language() || !document.documentElement.dataset.ready) await useLanguage(wanted);
  } catch {
    /* the catalogue did not load: the page still renders, showing keys */
  }
  document.documentElement.dataset.ready = "1";
  /** @type {HTMLSelectElement} */ (byId("lang-switch")).value = language();
}

/** The visible switch: stored for the signed-in user (server side) and in a cookie for this browser. */
async function switchLanguage(wanted) {
  try {
    await put("/api/preferences/language", { language: wanted });
  } catch (error) {
    announce(error.message, "error");
  }
  await useLanguage(wanted);
  await render();
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
  announce(t("chrome.signed_out"));
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState({}, "", path);
  else history.pushState({}, "", path);
  render();
}

function renderChrome() {
  const user = session.user;
  const nav = byId("site-nav");
  const all = !user || user.must_change_password ? [] : user.company_kind === "partner" ? PARTNER_NAV : CUSTOMER_NAV;
  // An entry naming a company role is for that role only (Webhooks: Global admins).
  const items = all.filter(([, , role]) => !role || user?.company_role === role);
  const path = location.pathname;
  clear(
    nav,
    items.map(([href, key]) => {
      const current = href === path || (href !== "/partner" && href !== "/customer" && path.startsWith(href + "/"));
      return h("a", { href, "aria-current": current ? "page" : null }, t(key));
    }),
  );
  byId("menu-toggle").style.visibility = items.length ? "" : "hidden";
  const account = byId("account");
  clear(
    account,
    user
      ? [
          h("span", { "data-testid": "who" }, `${user.display_name} · ${user.email}`),
          h("button", { type: "button", class: "secondary", onclick: signOut }, t("chrome.sign_out")),
        ]
      : location.pathname !== "/signin"
        ? [h("a", { href: "/signin" }, t("chrome.sign_in"))]
        : [],
  );
  if (user && !user.must_change_password) startLive();
}

// The newest render started: an older one that finishes later does not replace its page.
let renderToken = Symbol("none");
async function render() {
  cleanups.forEach((fn) => fn());
  cleanups = [];
  const main = byId("main");
  const path = location.pathname.replace(/\/+$/, "") || "/";
  const query = new URLSearchParams(location.search);
  const hit = ROUTES.map(([re, page, need]) => /** @type {const} */ ([path.match(re), page, need])).find(([m]) => m);
  byId("site-nav").classList.remove("open");
  byId("menu-toggle").setAttribute("aria-expanded", "false");
  renderChrome();
  if (!hit) {
    clear(
      main,
      h("h1", { tabindex: "-1" }, t("chrome.not_found")),
      h("p", {}, t("chrome.not_found_text"), " "),
      h("a", { href: home() }, t("chrome.go_start")),
    );
    return focusTitle(main);
  }
  const [match, page, need] = hit;
  const user = session.user;
  if (!page) return navigate(home(), { replace: true });
  if (need !== "any" && !user) return navigate(`/signin?next=${encodeURIComponent(path)}`, { replace: true });
  if (user && user.must_change_password && page !== "password" && need !== "any")
    return navigate("/password", { replace: true });
  if ((need === "partner" || need === "customer") && user?.company_kind !== need) {
    clear(
      main,
      h("h1", { tabindex: "-1" }, t("chrome.not_for_you")),
      h("p", {}, need === "partner" ? t("chrome.partner_pages") : t("chrome.customer_pages")),
      h("a", { class: "button", href: home() }, t("chrome.go_your_start")),
    );
    return focusTitle(main);
  }
  clear(main, h("p", { class: "loading" }, t("common.loading")));
  const token = Symbol("render");
  renderToken = token;
  const ctx = {
    params: (match && match.groups) || {},
    query,
    session,
    navigate,
    title: (text) => (document.title = `${text} · Partner Portal`),
    cleanup: (fn) => cleanups.push(fn),
  };
  try {
    const module = await import(`./pages/${page}.js`);
    const view = await module.default(ctx);
    if (renderToken !== token) return;
    clear(main, view);
  } catch (error) {
    if (renderToken !== token) return;
    clear(
      main,
      h("h1", { tabindex: "-1" }, t("chrome.error")),
      h("div", { class: "alert error", role: "alert" }, error.message || String(error)),
      h("button", { type: "button", onclick: () => render() }, t("chrome.try_again")),
    );
  }
  focusTitle(main);
}

// The first page keeps the focus where the browser put it; later ones move it to their title.
let focusMoves = false;
function focusTitle(main) {
  const title = main.querySelector("h1");
  if (title) {
    title.setAttribute("tabindex", "-1");
    if (focusMoves) title.focus({ preventScroll: false });
  }
  focusMoves = true;
}

function boot() {
  document.addEventListener("click", (event) => {
    const link = /** @type {HTMLAnchorElement | null} */ (/** @type {Element} */ (event.target).closest("a[href]"));
    if (
      !link ||
      link.target ||
      link.hasAttribute("download") ||
      event.ctrlKey ||
      event.metaKey ||
      event.shiftKey ||
      event.button !== 0
    )
      return;
    const url = new URL(link.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith("/api/") || url.pathname.startsWith("/static/"))
      return;
    event.preventDefault();
    navigate(url.pathname + url.search);
  });
  window.addEventListener("popstate", () => render());
  const toggle = byId("menu-toggle");
  toggle.addEventListener("click", () => {
    const nav = byId("site-nav");
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  onUnauthenticated(() => {
    if (!session.user) return;
    session.user = null;
    stopLive();
    announce(t("chrome.session_ended"), "error");
    navigate(`/signin?next=${encodeURIComponent(location.pathname)}`, { replace: true });
  });
  byId("lang-switch").addEventListener("change", (event) =>
    switchLanguage(/** @type {HTMLSelectElement} */ (event.target).value),
  );
  loadSession().then(loadLanguage).then(render);
}

boot();
