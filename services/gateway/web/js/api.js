// The gateway's JSON API, as the page uses it: same-origin cookies, the CSRF token echoed on
// every state-changing request, an Idempotency-Key on every POST, problems as ApiError.
import { has, language, t } from "./i18n.js";

// Types of the calls below, checked by `make lint-web` (tsc --checkJs): "portal-openapi" is generated
// there from the gateway's own OpenAPI document, so a page that names a path the gateway does not
// serve, or reads a field its answer does not have, fails the check. A path is written as the
// browser sends it (`/api/partner/users/${id}`); Url turns the document's `{user_id}` into `${string}`.
/** @typedef {import("portal-openapi").paths} Paths */
/**
 * @template {string} P
 * @typedef {P extends `${infer A}{${string}}${infer B}` ? `${A}${string}${Url<B>}` : P} Url
 */
/**
 * The document's paths that answer method M.
 * @template {string} M
 * @typedef {{ [P in keyof Paths]: Paths[P] extends Record<M, object> ? P : never }[keyof Paths]} With
 */
/**
 * @template {string} M
 * @typedef {{ [P in With<M>]: Url<P> }[With<M>]} UrlOf
 */
/**
 * @template {string} M
 * @template {string} U
 * @typedef {{ [P in With<M>]: U extends Url<P> ? P : never }[With<M>]} Matches
 */
/**
 * The document's path for a URL: of the paths it matches, the most specific one (so
 * `/api/partner/customers/${id}/audit` is the audit, not the customer `{customer_id}`).
 * @template {string} M
 * @template {string} U
 * @typedef {{ [P in Matches<M, U>]: { [Q in Matches<M, U>]: Q extends P ? never : Url<Q> extends Url<P> ? Q : never }[Matches<M, U>] extends never ? P : never }[Matches<M, U>]} Match
 */
/**
 * @template R
 * @typedef {R extends { 200: { content: { "application/json": infer T } } } ? T
 *   : R extends { 201: { content: { "application/json": infer T } } } ? T
 *   : R extends { 202: { content: { "application/json": infer T } } } ? T
 *   : null} Ok
 */
/**
 * @template {string} M
 * @template {keyof Paths} P
 * @typedef {Paths[P] extends Record<M, { responses: infer R }> ? Ok<R> : never} Answer
 */
/**
 * @template {string} M
 * @template {keyof Paths} P
 * @typedef {Paths[P] extends Record<M, { requestBody: { content: { "application/json": infer B } } }> ? B
 *   : Paths[P] extends Record<M, { requestBody?: { content: { "application/json": infer B } } }> ? B | undefined
 *   : undefined} Body
 */
/**
 * @template {keyof Paths} P
 * @typedef {Paths[P] extends { get: { parameters: { query?: infer Q } } } ? Q : never} Query
 */

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

/**
 * @param {string} method
 * @param {string} path
 * @param {{ body?: unknown, params?: object, key?: string }} [options]
 * @returns {Promise<any>} the answer as JSON, or null for 204; the typed wrappers below say which
 */
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
  /** @type {Record<string, string>} */
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
  let data;
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

/**
 * @template {UrlOf<"get">} U
 * @param {U} path
 * @param {Query<Match<"get", U>>} [params]
 * @returns {Promise<Answer<"get", Match<"get", U>>>}
 */
export const get = (path, params) => request("GET", path, { params });
/**
 * @template {UrlOf<"post">} U
 * @param {U} path
 * @param {Body<"post", Match<"post", U>>} [body]
 * @param {string} [key]
 * @returns {Promise<Answer<"post", Match<"post", U>>>}
 */
export const post = (path, body, key) => request("POST", path, { body: body ?? {}, key });
/**
 * @template {UrlOf<"put">} U
 * @param {U} path
 * @param {Body<"put", Match<"put", U>>} body
 * @returns {Promise<Answer<"put", Match<"put", U>>>}
 */
export const put = (path, body) => request("PUT", path, { body });
/**
 * @template {UrlOf<"patch">} U
 * @param {U} path
 * @param {Body<"patch", Match<"patch", U>>} body
 * @returns {Promise<Answer<"patch", Match<"patch", U>>>}
 */
export const patch = (path, body) => request("PATCH", path, { body });
/**
 * @template {UrlOf<"delete">} U
 * @param {U} path
 * @returns {Promise<Answer<"delete", Match<"delete", U>>>}
 */
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
