// Parses an AsyncAPI document with the official parser and prints its diagnostics as JSON:
// {"valid": bool, "errors": [...], "warnings": [...], "others": [...]}. Exit 1 on any error
// diagnostic (severity 0) or when no document could be built.
//
// With --html OUT, a valid document is also rendered to OUT as static HTML by
// @asyncapi/react-component (server-side React): the gateway's /asyncapi page serves it.
// Rendering happens here rather than in the browser because the component's bundle compiles
// JSON schemas with eval at load time, which the portal's Content-Security-Policy refuses.
// Usage: node tools/asyncapi/validate.mjs docs/asyncapi.yaml [--html OUT]
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Parser } from "@asyncapi/parser";

const path = process.argv[2];
if (!path) {
  console.error("usage: node validate.mjs <document> [--html OUT]");
  process.exit(2);
}
const source = await readFile(path, "utf8");
const { document, diagnostics } = await new Parser().parse(source, { source: path });
const brief = (d) => ({
  code: d.code,
  message: d.message,
  path: d.path.join("/"),
  severity: d.severity,
});
const errors = diagnostics.filter((d) => d.severity === 0).map(brief);
const warnings = diagnostics.filter((d) => d.severity === 1).map(brief);
const others = diagnostics.filter((d) => d.severity > 1).map(brief);
const valid = document !== undefined && errors.length === 0;
console.log(JSON.stringify({ valid, errors, warnings, others }, null, 1));

const html = process.argv.indexOf("--html");
if (valid && html > 0) {
  const require = createRequire(import.meta.url);
  const React = require("react");
  const { renderToStaticMarkup } = require("react-dom/server");
  const AsyncApi = require("@asyncapi/react-component/lib/cjs/without-parser.js").default;
  // Every message once, with its headers, payload and example; the operations (one per
  // sender and receiver, each repeating its message) would make the page 25 times larger:
  // they are in the YAML.
  const config = {
    show: { sidebar: true, info: true, servers: true, operations: false, messages: true },
    expand: { messageExamples: true },
  };
  const markup = renderToStaticMarkup(React.createElement(AsyncApi, { schema: document, config }));
  await mkdir(dirname(process.argv[html + 1]), { recursive: true });
  await writeFile(process.argv[html + 1], markup);
}
process.exit(valid ? 0 : 1);
