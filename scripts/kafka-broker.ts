/**
 * Starts a real single-node Apache Kafka broker (KRaft) as a plain Java process, with no
 * Docker: the broker's jars come from Maven Central through `mvn`, are cached in the user's
 * cache folder, and the broker runs on free loopback ports with its data in a temporary folder.
 * Used by the jest global setup and by `npm run kafka:local`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_VERSION = '3.9.1';
const SLF4J_BINDING = 'org.slf4j:slf4j-reload4j:1.7.36';
const READY_TIMEOUT_MS = 90_000;

export interface RunningBroker {
  readonly brokers: string;
  readonly dataDir: string;
  readonly logFile: string;
  stop(): Promise<void>;
}

export class BrokerUnavailableError extends Error {}

/** Says why this machine cannot start a broker, or undefined when it can. */
export function missingBrokerTools(): string | undefined {
  const missing = ['java', 'mvn'].filter((tool) => spawnSync(tool, ['-version'], { stdio: 'ignore' }).error);
  if (missing.length === 0) return undefined;
  return (
    `No Kafka broker: KAFKA_BROKERS is not set and ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed, ` +
    'so Warden cannot start a broker from Maven Central. Either install Java 17+ and Maven, or run ' +
    '`docker compose up -d` and set KAFKA_BROKERS=127.0.0.1:9092 and ' +
    'DATABASE_URL=postgresql://warden:warden@127.0.0.1:5432/warden.'
  );
}

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'warden', `kafka-${KAFKA_VERSION}`);
}

/** Resolves the broker's classpath with Maven once, then reads it from the cache. */
export function resolveClasspath(log: (line: string) => void = () => {}): string {
  const dir = cacheDir();
  const classpathFile = join(dir, 'classpath.txt');
  if (existsSync(classpathFile)) {
    const classpath = readFileSync(classpathFile, 'utf8').trim();
    if (classpath.split(':').every((jar) => existsSync(jar))) return classpath;
  }
  mkdirSync(dir, { recursive: true });
  const [slf4jGroup, slf4jArtifact, slf4jVersion] = SLF4J_BINDING.split(':');
  writeFileSync(
    join(dir, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.warden</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${KAFKA_VERSION}</version></dependency>
    <dependency><groupId>${slf4jGroup}</groupId><artifactId>${slf4jArtifact}</artifactId><version>${slf4jVersion}</version></dependency>
  </dependencies>
</project>
`,
  );
  log(`resolving Apache Kafka ${KAFKA_VERSION} from Maven Central (once; cached in ${dir})`);
  const result = spawnSync(
    'mvn',
    ['-q', '-B', 'dependency:build-classpath', `-Dmdep.outputFile=${classpathFile}`],
    { cwd: dir, encoding: 'utf8' },
  );
  if (result.status !== 0) {
    throw new BrokerUnavailableError(
      `mvn could not resolve the Kafka broker (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return readFileSync(classpathFile, 'utf8').trim();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function serverProperties(dataDir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dataDir, 'data')}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics are created by Warden with their settings; a typo must not create a new one.
    'auto.create.topics.enable=false',
    'log.cleaner.backoff.ms=1000',
    '',
  ].join('\n');
}

const LOG4J = [
  'log4j.rootLogger=INFO, stdout',
  'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
  'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
  'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
  'log4j.logger.kafka=INFO',
  'log4j.logger.org.apache.kafka=WARN',
  '',
].join('\n');

function runJava(classpath: string, dataDir: string, args: string[]): ChildProcess {
  return spawn(
    'java',
    [
      '-Xms256m',
      '-Xmx768m',
      '-XX:+UseG1GC',
      `-Dlog4j.configuration=file:${join(dataDir, 'log4j.properties')}`,
      '-cp',
      classpath,
      ...args,
    ],
    { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Waits until a kafkajs admin client really answers: right after start the broker may refuse. */
async function waitUntilReady(brokers: string, broker: ChildProcess, logFile: string): Promise<void> {
  const kafka = new Kafka({ brokers: [brokers], clientId: 'warden-harness', logLevel: logLevel.NOTHING });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (broker.exitCode !== null) {
      throw new BrokerUnavailableError(`the Kafka broker exited with ${broker.exitCode}; see ${logFile}`);
    }
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch (error) {
      lastError = error;
    } finally {
      await admin.disconnect().catch(() => {});
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new BrokerUnavailableError(`the Kafka broker was not ready within ${READY_TIMEOUT_MS} ms: ${String(lastError)}; see ${logFile}`);
}

/**
 * A new cluster id for `kafka-storage format`: 16 random bytes in base64url, as Kafka's own. One in
 * 64 starts with "-", which the tool reads as an option ("--cluster-id: expected one argument",
 * seen in a CI run): such an id is drawn again, as Kafka's `Uuid.randomUuid` does.
 */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export async function startBroker(log: (line: string) => void = () => {}): Promise<RunningBroker> {
  const missing = missingBrokerTools();
  if (missing) throw new BrokerUnavailableError(missing);
  const classpath = resolveClasspath(log);
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-kafka-'));
  const [port, controllerPort] = [await freePort(), await freePort()];
  writeFileSync(join(dataDir, 'server.properties'), serverProperties(dataDir, port, controllerPort));
  writeFileSync(join(dataDir, 'log4j.properties'), LOG4J);
  const logFile = join(dataDir, 'broker.log');

  const clusterId = kafkaClusterId();
  const format = runJava(classpath, dataDir, ['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', 'server.properties']);
  let formatOutput = '';
  format.stdout?.on('data', (chunk) => (formatOutput += chunk));
  format.stderr?.on('data', (chunk) => (formatOutput += chunk));
  const formatCode = await waitForExit(format);
  if (formatCode !== 0) throw new BrokerUnavailableError(`kafka StorageTool format failed (${formatCode}):\n${formatOutput}`);

  const output = createWriteStream(logFile);
  const broker = runJava(classpath, dataDir, ['kafka.Kafka', 'server.properties']);
  broker.stdout?.pipe(output);
  broker.stderr?.pipe(output);
  const brokers = `127.0.0.1:${port}`;
  log(`starting Kafka ${KAFKA_VERSION} (pid ${broker.pid}) on ${brokers}, data in ${dataDir}`);

  const stop = async (): Promise<void> => {
    if (broker.exitCode === null) {
      broker.kill('SIGTERM');
      const killer = setTimeout(() => broker.kill('SIGKILL'), 15_000);
      await waitForExit(broker);
      clearTimeout(killer);
    }
    output.end();
    if (!process.env.WARDEN_KEEP_KAFKA_DATA) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(brokers, broker, logFile);
  } catch (error) {
    process.env.WARDEN_KEEP_KAFKA_DATA = '1';
    await stop();
    throw error;
  }
  return { brokers, dataDir, logFile, stop };
}
