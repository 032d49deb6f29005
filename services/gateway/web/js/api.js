// The gateway's JSON API, as the page uses it: same-origin cookies, the CSRF token echoed on
// every state-changing request, an Idempotency-Key on every POST, problems as ApiError.
import { has, language, t } from "./i18n.js";

// The services explain a refusal in English, naming the numbers (detail); in another language
// the catalogue's text for the problem's code (problem.<code>) replaces it where there is one.
function localised(problem) {
  const key = `problem.${problem.code}`;
  return problem.code && language() !== "en" && has(key) ? { ...problem, detail: t(key) } : problem;
}

export class ApiError extends Error {
  constructor(status, original) {
    const problem = localised(original);
    super(problem.detail || problem.title || t("api.failed", { status }));
    this.status = status;
    this.problem = problem;
    this.code = problem.code || "";
  }
}

function cookie(name) {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : "";
}

let csrfToken = "";
export function setCsrf(token) {
  csrfToken = token || "";
}

export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

const listeners = new Set();
/** Called with every ApiError of status 401 (the session ended). */
export function onUnauthenticated(fn) {
  listeners.add(fn);
}

export async function request(method, path, { body, params, key } = {}) {
  let url = path;
  if (params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
    }
    const s = q.toString();
    if (s) url += (url.includes("?") ? "&" : "?") + s;
  }
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken || cookie("portal_csrf");
  if (method === "POST") headers["Idempotency-Key"] = key || newKey();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { title: t("api.network"), detail: t("api.network_detail") });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = { detail: text };
  }
  if (!response.ok) {
    const error = new ApiError(response.status, data || {});
    if (response.status === 401 && path !== "/api/session") listeners.forEach((fn) => fn(error));
    throw error;
  }
  return data;
}

export const get = (path, params) => request("GET", path, { params });
export const post = (path, body, key) => request("POST", path, { body: body ?? {}, key });
export const put = (path, body) => request("PUT", path, { body });
export const patch = (path, body) => request("PATCH", path, { body });
export const del = (path) => request("DELETE", path);

/** Items of a list answer, whether it is a bare array or {items: [...]} */
export function items(answer) {
  if (Array.isArray(answer)) return answer;
  return (answer && answer.items) || [];
}

let catalogue = null;
/** The service catalogue, fetched once: {service_id: service}. */
export async function services() {
  if (!catalogue) {
    const list = items(await get("/api/public/catalogue"));
    catalogue = Object.fromEntries(list.map((s) => [s.service_id, s]));
  }
  return catalogue;
}
export function serviceName(all, id) {
  return (all && all[id] && all[id].name) || id;
}
