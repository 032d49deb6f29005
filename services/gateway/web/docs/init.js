// Starts Swagger UI on the gateway's own OpenAPI document. A file, not an inline script,
// so the page runs under the same Content-Security-Policy as the portal (script-src 'self').
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  withCredentials: true,
});
