// The types of lib/vendor/js_yaml.js: those of the npm package it was bundled from.
export { type Event, getScalarValue, parseEvents } from "npm:js-yaml@5.5.0";
