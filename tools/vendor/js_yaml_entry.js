// The parser events of npm `js-yaml` (its ES module build), bundled into lib/vendor/js_yaml.js:
// `parseWorkflow` composes its positioned tree from them (lib/workflow/_yaml_events.ts).
export { getScalarValue, parseEvents } from "../../node_modules/js-yaml/dist/js-yaml.mjs";
