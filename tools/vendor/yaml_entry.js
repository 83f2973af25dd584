// The ESM build of npm `yaml` (its `browser/` files), bundled into lib/vendor/yaml.js.
export * from "../../node_modules/yaml/browser/index.js";
