import { serveEmulator } from "../lib/emulator/server.ts";
const server = await serveEmulator({ port: 4599 });
console.log("listening", server.url);
await new Promise((r) => setTimeout(r, 15000));
await server.close();
