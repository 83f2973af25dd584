/**
 * State shape and built-in demo data of the emulated host-security service yunjing
 * (2018-02-28): open ports seen on a few machines.
 *
 * @module
 */

/** One open port on one machine, exactly the documented `OpenPort` fields. */
export interface OpenPortRec {
  Id: number;
  Uuid: string;
  Port: number;
  MachineIp: string;
  MachineName: string;
  ProcessName: string;
  Pid: number;
  /** `YYYY-MM-DD HH:MM:SS`. */
  CreateTime: string;
  ModifyTime: string;
}

/** The whole yunjing state. */
export interface YunjingState {
  openPorts: OpenPortRec[];
}

/** The demo machines: Uuid, name and private IP. */
export const DEMO_MACHINES = [
  {
    Uuid: "6b6cd843-6bc1-4011-a74c-dc3fd26a7dd1",
    MachineName: "h2-web-01",
    MachineIp: "10.12.13.22",
  },
  {
    Uuid: "0f3a9c2e-5d7b-4e61-9a0c-3b8f2d6e1a47",
    MachineName: "h2-db-01",
    MachineIp: "10.12.13.40",
  },
  {
    Uuid: "b7e1d4a8-2c9f-4b3e-8d15-6a0e7f9c2b53",
    MachineName: "h2-cache-01",
    MachineIp: "10.12.14.8",
  },
  {
    Uuid: "c2d8f5b1-7e4a-4f9d-b6c3-1e5a8d0f4c29",
    MachineName: "h2-mq-01",
    MachineIp: "10.12.14.21",
  },
] as const;

const PORTS: Array<[machine: number, port: number, process: string, pid: number]> = [
  [0, 22, "sshd", 1021],
  [0, 80, "nginx", 2310],
  [0, 443, "nginx", 2310],
  [0, 3306, "mysqld", 4410],
  [1, 22, "sshd", 998],
  [1, 3306, "mysqld", 1876],
  [1, 33060, "mysqld", 1876],
  [1, 9100, "node_exporter", 733],
  [2, 22, "sshd", 1002],
  [2, 6379, "redis-server", 1543],
  [2, 26379, "redis-sentinel", 1544],
  [3, 22, "sshd", 1011],
  [3, 8080, "java", 3120],
  [3, 9876, "java", 2987],
  [3, 10911, "java", 3120],
];

/** The built-in demo data: 15 open ports on 4 machines (sshd on every one, mysqld on two). */
export function demoYunjingState(): YunjingState {
  return {
    openPorts: PORTS.map(([m, port, process, pid], i) => {
      const machine = DEMO_MACHINES[m]!;
      return {
        Id: i + 1,
        Uuid: machine.Uuid,
        Port: port,
        MachineIp: machine.MachineIp,
        MachineName: machine.MachineName,
        ProcessName: process,
        Pid: pid,
        CreateTime: "2026-01-05 08:00:00",
        ModifyTime: `2026-01-${String(5 + (i % 20)).padStart(2, "0")} 08:00:00`,
      };
    }),
  };
}
