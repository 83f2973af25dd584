// The ESM build of npm `croner` (cron matching of `tcflow schedule`), bundled into
// lib/vendor/croner.js.
export { Cron } from "../../node_modules/croner/dist/croner.js";
