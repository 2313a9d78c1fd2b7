import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { normalizeIp } from '#warden/ban-policy';
import { freePort } from '../../scripts/kafka-broker.js';
import { spawnApp, waitUntilReady, type AppProcess } from './app-process.js';
import { createDatabase, dropDatabase } from './postgres.js';

export interface WardenProcess {
  readonly process: AppProcess;
  readonly url: string;
}

/**
 * Starts the built `warden` app with exactly `env` (plus PATH, HOME, a free PORT) and waits until it
 * is ready. No HOST: the default, loopback only, is what a user gets.
 */
export async function startWardenProcess(env: NodeJS.ProcessEnv): Promise<WardenProcess> {
  const port = await freePort();
  const started = spawnApp('warden', { PATH: process.env.PATH, HOME: process.env.HOME, WARDEN_LOG_LEVEL: 'warn', ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(started, url);
  return { process: started, url };
}

/**
 * The embedded default as a user starts it: no DATABASE_URL, KAFKA_BROKERS or WARDEN_API_KEYS (the
 * harness put the first two in this process's environment; the child gets none of them).
 */
export function startEmbeddedWarden(dataDir: string): Promise<WardenProcess> {
  return startWardenProcess({ WARDEN_DATA_DIR: dataDir });
}

/** The key the embedded mode made and keeps in its data folder (a `name:key:scopes` line). */
export function keptApiKey(dataDir: string): string {
  return readFileSync(join(dataDir, 'api-key'), 'utf8').trim().split(':')[1]!;
}

/** The running embedded server of a data folder: its pid and port from postmaster.pid, its password from the folder. */
export function embeddedServer(dataDir: string): { pid: number; url: string } {
  const [pid, , , port] = readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n');
  const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
  return { pid: Number(pid), url: `postgresql://postgres:${password}@127.0.0.1:${port}/warden` };
}

interface TcpSocket {
  /** `01` established, `0A` listening (include/net/tcp_states.h). */
  readonly state: string;
  readonly local: { readonly address: string; readonly port: number };
  readonly remotePort: number;
}

/** /proc/net/tcp{,6}'s hex address as text: IPv4 as 4 little-endian bytes, IPv6 as 4 little-endian words. */
function procAddress(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  if (bytes.length === 4) return [...bytes].reverse().join('.');
  const groups: string[] = [];
  for (let word = 0; word < 16; word += 4) {
    const b = Buffer.from(bytes.subarray(word, word + 4)).reverse();
    groups.push(b.readUInt16BE(0).toString(16), b.readUInt16BE(2).toString(16));
  }
  return normalizeIp(groups.join(':'))!;
}

/** The TCP sockets a process holds open (Linux: its socket fds matched in /proc/net/tcp{,6}). */
function tcpSocketsOf(pid: number): TcpSocket[] {
  const inodes = new Set(
    readdirSync(`/proc/${pid}/fd`)
      .map((fd) => {
        try {
          return /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        } catch {
          return undefined; // closed meanwhile
        }
      })
      .filter((inode) => inode !== undefined),
  );
  const sockets: TcpSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1)) {
      // fields: sl, local address, remote address (hex ip:port), state, ..., inode (10th)
      const fields = line.trim().split(/\s+/);
      if (!inodes.has(fields[9]!)) continue;
      const [localHex, localPort] = fields[1]!.split(':');
      sockets.push({ state: fields[3]!, local: { address: procAddress(localHex!), port: Number.parseInt(localPort!, 16) }, remotePort: Number.parseInt(fields[2]!.split(':')[1]!, 16) });
    }
  }
  return sockets;
}

/** Remote ports of the TCP connections a process holds open. */
export function remoteTcpPortsOf(pid: number): number[] {
  return tcpSocketsOf(pid).filter((socket) => socket.state === '01').map((socket) => socket.remotePort);
}

/** The addresses a process listens on at `port`, e.g. `['127.0.0.1', '::1']`. */
export function listeningAddressesOf(pid: number, port: number): string[] {
  return tcpSocketsOf(pid)
    .filter((socket) => socket.state === '0A' && socket.local.port === port)
    .map((socket) => socket.local.address)
    .sort();
}

export interface DistributedWarden extends WardenProcess {
  readonly databaseUrl: string;
  /** Kills the process and drops its database. */
  stop(): Promise<void>;
}

/**
 * All of Warden in one process on the test run's Kafka broker, with a database of its own and
 * topics under `topicPrefix`; one key `all:<key>:*`.
 */
export async function startDistributedWarden(topicPrefix: string, key: string, env: NodeJS.ProcessEnv = {}): Promise<DistributedWarden> {
  const databaseUrl = await createDatabase('warden_distributed');
  const warden = await startWardenProcess({
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    DATABASE_URL: databaseUrl,
    WARDEN_API_KEYS: `all:${key}:*`,
    WARDEN_TOPIC_PREFIX: topicPrefix,
    WARDEN_TOPIC_PARTITIONS: '2',
    ...env,
  });
  return {
    ...warden,
    databaseUrl,
    stop: async () => {
      warden.process.child.kill('SIGKILL');
      await warden.process.exited();
      await dropDatabase(databaseUrl);
    },
  };
}
