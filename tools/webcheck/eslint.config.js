// eslint over the browser code (services/gateway/web/js): ES modules run as they are by the
// browser, no bundler. Run from the repository root by `make lint-web`.
import js from "@eslint/js";
import globals from "globals";

export default [
  {
    files: ["services/gateway/web/js/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: globals.browser,
    },
    rules: {
      ...js.configs.recommended.rules,
      eqeqeq: ["error", "always"],
      "no-unused-vars": ["error", { args: "after-used", caughtErrors: "none" }],
      "no-var": "error",
      "prefer-const": "error",
      "no-implicit-globals": "error",
      "no-shadow": "error",
      "no-throw-literal": "error",
    },
  },
];
