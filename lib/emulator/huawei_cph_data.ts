/**
 * Built-in seed data of the emulated Huawei Cloud Phone (CPH) service: the encode servers of
 * the demo project. Ids are fixed (tests and sample workflows rely on them): 10 servers over
 * three cloud phone servers, both types (0 server, 1 container) and every documented status
 * (1 running, 2 abnormal, 3 restarting, 0/4/5 creating). Access infos carry the deprecated
 * fields (`access_ip`, `intranet_ip`) beside the new ones (`public_ip`, `server_ip`), as the
 * real API still answers both.
 *
 * @module
 */

/** One `access_infos` entry of an encode server. */
export interface AccessInfoState {
  listen_port: number;
  /** Deprecated: same as `public_ip`. */
  access_ip: string;
  /** Deprecated: same as `server_ip`. */
  intranet_ip: string;
  public_ip: string;
  server_ip: string;
  access_port: number;
  type: string;
}

/** One encode server, exactly as `ListEncodeServers` answers it. */
export interface EncodeServerState {
  encode_server_name: string;
  encode_server_id: string;
  encode_server_ip: string;
  server_id: string;
  keypair_name: string;
  type: number;
  status: number;
  access_infos: AccessInfoState[];
}

/** The emulator's state: the encode servers of the project, in listing order. */
export interface HuaweiCphState {
  encode_servers: EncodeServerState[];
}

/** The demo project id (the path's `{project_id}` of the demo credential). */
export const DEMO_PROJECT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

/** The cloud phone servers the demo encode servers belong to. */
export const DEMO_SERVER_IDS = [
  "26fef5ef8f484e5fbd3d3974134b8091",
  "3a7c1d2e4f5a4b6c8d9e0f1a2b3c4d5e",
  "9b8a7c6d5e4f4a3b2c1d0e9f8a7b6c5d",
] as const;

function accessInfos(
  serverIp: string,
  publicIp: string,
  basePort: number,
  types: readonly string[],
): AccessInfoState[] {
  return types.map((type, i) => ({
    listen_port: basePort + i,
    access_ip: publicIp === "" ? serverIp : publicIp,
    intranet_ip: serverIp,
    public_ip: publicIp,
    server_ip: serverIp,
    access_port: basePort + i,
    type,
  }));
}

const PORTS = ["adb", "vnc", "cph_app_server", "cph_h5_server"] as const;

/** [server index, type, status, public ip] of the ten demo encode servers. */
const ROWS: ReadonlyArray<readonly [number, number, number, string]> = [
  [0, 0, 1, "100.68.0.235"],
  [0, 0, 1, "100.68.0.236"],
  [0, 1, 2, ""],
  [1, 0, 3, "100.68.1.20"],
  [1, 1, 1, "100.68.1.21"],
  [1, 1, 5, ""],
  [2, 0, 0, ""],
  [2, 1, 4, ""],
  [2, 0, 1, "100.68.2.30"],
  [2, 1, 1, "100.68.2.31"],
];

/** A fresh copy of the built-in seed data. */
export function huaweiCphSeed(): HuaweiCphState {
  return {
    encode_servers: ROWS.map(([server, type, status, publicIp], i) => {
      const n = i + 1;
      const serverIp = `172.31.24${server}.${100 + n}`;
      return {
        encode_server_name: `ENCODE_SERVER_${n}`,
        encode_server_id: `00b00d1b35094f13b360cdfe15a9b${(0xf00 + n).toString(16)}`,
        encode_server_ip: `10.237.${server}.${200 + n}`,
        server_id: DEMO_SERVER_IDS[server]!,
        keypair_name: `keyPair${server + 1}`,
        type,
        status,
        access_infos: accessInfos(
          serverIp,
          publicIp,
          6900 + 10 * i,
          type === 0 ? PORTS : PORTS.slice(2),
        ),
      };
    }),
  };
}
