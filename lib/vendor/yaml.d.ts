// The types of lib/vendor/yaml.js: those of the npm package it was bundled from.
export * from "npm:yaml@2.9.1";
