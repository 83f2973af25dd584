// The types of lib/vendor/croner.js: those of the npm package it was bundled from.
export { Cron } from "npm:croner@11.0.0";
