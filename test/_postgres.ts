/**
 * A throwaway PostgreSQL for tests. `TCFLOW_TEST_DATABASE_URL` names an existing server to use;
 * otherwise one server per test process is started from Debian's `postgresql` package
 * (`initdb` + `pg_ctl` in a temp dir, on a free loopback port, as the `postgres` system user
 * when running as root) and stopped by {@link stopTestServer} (`Deno.test.afterAll`).
 * Each {@link freshDatabase} is a new empty database on that server, dropped by `drop()`.
 *
 * When PostgreSQL is missing, {@link testServer} returns a skip message, unless `CI` is set:
 * then it throws with the command that installs it (`.ci/run` does so).
 *
 * @module
 */
import postgres from "postgres";

/** Debian installs each major version under /usr/lib/postgresql/<major>/bin; the newest wins. */
async function findBin(): Promise<string | undefined> {
  const fromEnv = Deno.env.get("TCFLOW_PG_BIN");
  if (fromEnv) return await exists(`${fromEnv}/initdb`) ? fromEnv : undefined;
  const majors: number[] = [];
  try {
    for await (const entry of Deno.readDir("/usr/lib/postgresql")) {
      if (/^\d+$/.test(entry.name)) majors.push(Number(entry.name));
    }
  } catch {
    return undefined;
  }
  for (const major of majors.sort((a, b) => b - a)) {
    const bin = `/usr/lib/postgresql/${major}/bin`;
    if (await exists(`${bin}/initdb`)) return bin;
  }
  return undefined;
}
const INSTALL = "apt-get install -y postgresql";

/** A running server: the URL of its maintenance database. */
export interface TestServer {
  /** `postgres://…/postgres`, with a user allowed to create databases. */
  adminUrl: string;
}

/** A fresh database on the test server. */
export interface TestDatabase {
  url: string;
  /** Drops the database (closing what is still connected to it). */
  drop(): Promise<void>;
}

let started: Promise<TestServer | string> | undefined;
let cleanup: (() => Promise<void>) | undefined;
let pause: ((ms: number) => Promise<void>) | undefined;

/**
 * The shared test server of this process, or a one-line reason to skip.
 *
 * @throws when `CI` is set and PostgreSQL is not installed (the message has the install command)
 */
export function testServer(): Promise<TestServer | string> {
  started ??= start();
  return started;
}

/** Stops the server this process started (nothing for `TCFLOW_TEST_DATABASE_URL`). */
export async function stopTestServer(): Promise<void> {
  const stop = cleanup;
  cleanup = undefined;
  started = undefined;
  await stop?.();
}

/**
 * Stops the server this process started (fast: its connections are cut), waits `ms`, and
 * starts it again on the same port: a database that goes away mid-run. Throws for
 * `TCFLOW_TEST_DATABASE_URL` (not ours to stop).
 */
export async function pauseTestServer(ms: number): Promise<void> {
  if (pause === undefined) throw new Error("pauseTestServer: no server started by this process");
  await pause(ms);
}

/** A new empty database on the test server. */
export async function freshDatabase(server: TestServer): Promise<TestDatabase> {
  const name = `tcflow_t_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = postgres(server.adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      const sql = postgres(server.adminUrl, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await sql.end();
      }
    },
  };
}

async function start(): Promise<TestServer | string> {
  const external = Deno.env.get("TCFLOW_TEST_DATABASE_URL");
  if (external) return { adminUrl: external };
  const bin = await findBin();
  if (bin === undefined) {
    const message =
      `PostgreSQL not found (/usr/lib/postgresql/*/bin/initdb); install it: ${INSTALL}`;
    if (Deno.env.get("CI")) throw new Error(message);
    return `skipped: ${message}`;
  }
  const root = Deno.uid() === 0;
  const dir = await Deno.makeTempDir({ prefix: "tcflow-pg-" });
  const data = `${dir}/data`;
  if (root) {
    const ids = await userIds("postgres");
    await Deno.chown(dir, ids.uid, ids.gid);
  }
  const as = (args: string[]) => root ? ["runuser", "-u", "postgres", "--", ...args] : args;
  // Password logins over TCP (scram-sha-256), so a wrong password is refused as in production.
  const password = crypto.randomUUID();
  await Deno.writeTextFile(`${dir}/pw`, password);
  if (root) await Deno.chown(`${dir}/pw`, (await userIds("postgres")).uid, null);
  await exec(
    as([
      `${bin}/initdb`,
      "-D",
      data,
      "-U",
      "tcflow",
      "--auth-local=trust",
      "--auth-host=scram-sha-256",
      `--pwfile=${dir}/pw`,
      "-E",
      "UTF8",
      "--no-sync",
      "--no-instructions",
    ]),
  );
  const port = freePort();
  const options = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c max_connections=200",
    "-c shared_buffers=32MB",
  ].join(" ");
  await exec(
    as([`${bin}/pg_ctl`, "start", "-w", "-s", "-D", data, "-l", `${dir}/log`, "-o", options]),
    `${dir}/log`,
  );
  pause = async (ms) => {
    await exec(as([`${bin}/pg_ctl`, "stop", "-w", "-s", "-m", "fast", "-D", data]));
    await new Promise((resolve) => setTimeout(resolve, ms));
    await exec(
      as([`${bin}/pg_ctl`, "start", "-w", "-s", "-D", data, "-l", `${dir}/log`, "-o", options]),
      `${dir}/log`,
    );
  };
  cleanup = async () => {
    pause = undefined;
    await exec(as([`${bin}/pg_ctl`, "stop", "-s", "-m", "immediate", "-D", data])).catch(() => {});
    await Deno.remove(dir, { recursive: true });
  };
  return { adminUrl: `postgres://tcflow:${password}@127.0.0.1:${port}/postgres` };
}

async function exec(args: string[], log?: string): Promise<void> {
  const [cmd, ...rest] = args;
  const out = await new Deno.Command(cmd!, {
    args: rest,
    stdout: "null",
    stderr: "piped",
    stdin: "null",
  }).output();
  if (!out.success) {
    const logText = log ? await Deno.readTextFile(log).catch(() => "") : "";
    throw new Error(`${args.join(" ")} failed: ${new TextDecoder().decode(out.stderr)}${logText}`);
  }
}

async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const passwd = await Deno.readTextFile("/etc/passwd");
  const line = passwd.split("\n").find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) throw new Error(`no system user ${name}`);
  return { uid: Number(uid), gid: Number(gid) };
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
