import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { compile, type Compilation, type CompileOptions } from '../compiler/compile.js';
import { toJavaScript } from '../compiler/emit/transpile.js';
import { createRuntime } from '../apps/wubot/host.js';
import { interpret } from '../compiler/interpret.js';
import { asMessage } from '../runtime/message.js';
import { hasQueueTables } from '../runtime/queue/queue-db.js';
import { decodeRow } from '../runtime/queue/row-codec.js';
import type { CompiledModule, Logger, Message, Pipeline } from '../runtime/pipeline-api.js';

/** repoRoot is the checkout, two levels above the compiled test file. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** tempDir makes a fresh directory for one test. */
export function tempDir(prefix = 'wubot-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** compileText compiles rule-file text given as if read from `path`. */
export function compileText(text: string, options: CompileOptions = {}, path = 'rules.yaml'): Compilation {
  return compile(path, { ...options, text });
}

/** importCompiled loads an emitted module without writing a file. */
export async function importCompiled(code: string): Promise<CompiledModule> {
  const js = toJavaScript(code);
  return (await import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`)) as CompiledModule;
}

/** Pipelines are the three ways of running one tree that must agree. */
export interface Pipelines {
  interpreted: Pipeline;
  optimized: Pipeline;
  literal: Pipeline;
}

/** pipelinesFor compiles a rule file both ways and interprets it, on host `h`. */
export async function pipelinesFor(text: string, hostname = 'h'): Promise<Pipelines> {
  const opt = compileText(text);
  const lit = compileText(text, { optimize: false });
  if (!opt.code || !lit.code) throw new Error(`does not compile: ${opt.diagnostics.map((d) => d.message).join('; ')}`);
  const rt = createRuntime({ hostname });
  return {
    interpreted: interpret(opt.tree!, rt),
    optimized: (await importCompiled(opt.code)).default(rt),
    literal: (await importCompiled(lit.code)).default(rt),
  };
}

/** runOn runs a pipeline on a copy of a message and returns the result as plain JSON data. */
export function runOn(p: Pipeline, m: Message): { message: Record<string, unknown>; error?: string } {
  const copy = asMessage(structuredClone(m))!;
  let error: string | undefined;
  try {
    p(copy);
  } catch (e) {
    error = (e as Error).message;
  }
  return { message: JSON.parse(JSON.stringify(copy)) as Record<string, unknown>, error };
}

/** memoryLog is a Logger that keeps its lines, for tests to read. */
export function memoryLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const add = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
  return { lines, info: add('info'), warn: add('warn'), error: add('error') };
}

/** sleep waits a while. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** waitFor polls `ready` every `every` ms (default 100) until it holds or `ms` have passed, and says whether it held. */
export async function waitFor(ready: () => boolean, ms = 20_000, every = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) return false;
    await sleep(every);
  }
  return true;
}

/** wubotHome makes a wubot home whose config holds `files` (path under config/ → text). */
export function wubotHome(host: string, files: Record<string, string>): string {
  const h = tempDir(`wubot-${host}-`);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(h, 'config', path, '..'), { recursive: true });
    writeFileSync(join(h, 'config', path), text, { mode: 0o600 });
  }
  return h;
}

/** xmppConfig is an XMPP monitor instance for the test server: account `me`, sending `directory` to `to`. */
export function xmppConfig(port: number, me: string, to: string, more: Record<string, unknown> = {}): string {
  const lines = [`account: ${me}@localhost`, `password: ${me}-pw`, 'host: 127.0.0.1', `port: ${port}`, 'directory: forward', `user: ${to}@localhost`, 'delay: 0.2'];
  for (const [k, v] of Object.entries({ directory: 'forward', ...more })) {
    const i = lines.findIndex((l) => l.startsWith(`${k}:`));
    const line = `${k}: ${JSON.stringify(v)}`;
    if (i >= 0) lines[i] = line;
    else lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/** freePort finds a port on 127.0.0.1 nobody listens on. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** readQueue runs `read` on a queue directory's file, read-only; `none` when it has no file, or no tables yet. */
export function readQueue<T>(dir: string, none: T, read: (db: Database.Database) => T): T {
  const file = join(dir, 'queue.sqlite');
  if (!existsSync(file)) return none;
  const db = new Database(file, { readonly: true });
  try {
    // a queue file whose first opener is still creating its tables holds nothing yet
    return hasQueueTables(db) ? read(db) : none;
  } finally {
    db.close();
  }
}

/** queueMessages reads the messages a queue directory holds, oldest first (none when it has no file yet). */
export function queueMessages(dir: string, where = ''): Message[] {
  return readQueue(dir, [], (db) =>
    (db.prepare(`SELECT uid, data FROM message_queue_state ${where} ORDER BY id`).all() as { uid: string; data: string }[]).map((r) => decodeRow(r.uid, r.data) as Message),
  );
}

/** queueCount counts the messages in a queue directory whose stored row contains `text`: cheap enough to poll every few milliseconds. */
export function queueCount(dir: string, text = ''): number {
  return readQueue(dir, 0, (db) => (db.prepare('SELECT count(*) AS n FROM message_queue WHERE instr(data, ?) > 0').get(text) as { n: number }).n);
}

/**
 * startDaemon runs `wubot monitor|reactor|webui` (after `prefix`, e.g. `ip netns exec NS`, which execs it)
 * and resolves once it says it started; its log collects in `log`.
 */
export async function startDaemon(daemon: 'monitor' | 'reactor' | 'webui', home: string, hostname: string, more: string[] = [], prefix: string[] = []): Promise<ChildProcess & { log: string }> {
  const command = [...prefix, process.execPath, join(repoRoot, 'dist', 'bin', 'wubot.js'), daemon, '--home', home, '--hostname', hostname, ...more];
  const child = spawn(command[0], command.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
  }) as ChildProcess & { log: string };
  child.log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      child.log += d.toString();
      if (child.log.includes(`${daemon} started`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`${daemon} exited ${code} before starting: ${child.log}`)));
  });
  return child;
}

/** daemonUrl is the address a started `wubot webui` logged. */
export function daemonUrl(child: { log: string }): string {
  const m = /"url":"([^"]+)"/.exec(child.log);
  if (!m) throw new Error(`no url in the log: ${child.log}`);
  return m[1];
}

/** stopChild signals a process and waits until it has exited. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  child.kill(signal);
  if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
}

/** DaemonPool starts a test file's daemons and stops whichever still run at its end. */
export interface DaemonPool {
  start(daemon: 'monitor' | 'reactor' | 'webui', home: string, hostname: string, more?: string[], prefix?: string[]): Promise<ChildProcess & { log: string }>;
  /** stop signals one (SIGTERM unless told) and waits for its exit */
  stop(child: ChildProcess, signal?: NodeJS.Signals): Promise<void>;
  stopAll(): Promise<void>;
}

export function daemonPool(): DaemonPool {
  const running = new Set<ChildProcess>();
  return {
    async start(daemon, home, hostname, more = [], prefix = []) {
      const child = await startDaemon(daemon, home, hostname, more, prefix);
      running.add(child);
      return child;
    },
    async stop(child, signal = 'SIGTERM') {
      await stopChild(child, signal);
      running.delete(child);
    },
    async stopAll() {
      await Promise.all([...running].map((c) => stopChild(c)));
      running.clear();
    },
  };
}

/** XmppServerKind names the real XMPP servers the tests run against. */
export type XmppServerKind = 'prosody' | 'ejabberd';

const serverScripts: Record<XmppServerKind, string> = { prosody: 'xmpp-server.sh', ejabberd: 'ejabberd-server.sh' };

/** XmppServer is a test XMPP server on 127.0.0.1 (test/xmpp-server.sh or test/ejabberd-server.sh), with an account `<user>` / `<user>-pw` per user. */
export interface XmppServer {
  readonly kind: XmppServerKind;
  readonly port: number;
  /** dir holds the server's config, data and (with XMPP_TLS=1) certs/<domain>.crt */
  readonly dir: string;
  readonly domain: string;
  /** tlsPort: direct TLS, when started with XMPP_TLS_PORT: 'free' */
  readonly tlsPort?: number;
  stop(): void;
  /** restart stops the server and starts it again on the same port, keeping its data */
  restart(): void;
}

/** Prosody is the name the tests written before ejabberd joined use for a server. */
export type Prosody = XmppServer;

/** xmppServerKinds are the servers to test against: $XMPP_SERVERS (comma-separated), or both. */
export function xmppServerKinds(): XmppServerKind[] {
  const wanted = (process.env.XMPP_SERVERS ?? 'prosody,ejabberd').split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const k of wanted) {
    if (!(k in serverScripts)) throw new Error(`XMPP_SERVERS: unknown server "${k}" (known: ${Object.keys(serverScripts).join(', ')})`);
  }
  return wanted as XmppServerKind[];
}

/**
 * startXmppServer starts a server of its own for one test file; `env` sets the scripts' XMPP_* variables.
 * `where.prefix` runs the server script through a command (`ip netns exec NS`), `where.port` fixes its port.
 */
export async function startXmppServer(
  kind: XmppServerKind,
  users: readonly string[],
  env: Record<string, string> = {},
  where: { prefix?: readonly string[]; port?: number } = {},
): Promise<XmppServer> {
  const script = join(repoRoot, 'test', serverScripts[kind]);
  const dir = tempDir(`wubot-${kind}-`);
  const port = where.port ?? (await freePort());
  if (env.XMPP_TLS_PORT === 'free') env = { ...env, XMPP_TLS_PORT: String(await freePort()) };
  const scriptEnv = { ...process.env, ...env };
  const run = (...args: string[]) => {
    const command = [...(where.prefix ?? []), script, ...args];
    execFileSync(command[0], command.slice(1), { env: scriptEnv });
  };
  const start = () => run('start', dir, String(port));
  const stop = () => run('stop', dir);
  start();
  // all in one call: ejabberd's takes most of a second for each (an Erlang node of its own)
  if (users.length) run('adduser', dir, ...users.flatMap((u) => [u, `${u}-pw`]));
  return {
    kind,
    port,
    dir,
    domain: env.XMPP_DOMAIN ?? 'localhost',
    tlsPort: env.XMPP_TLS_PORT ? Number(env.XMPP_TLS_PORT) : undefined,
    stop,
    restart: () => {
      stop();
      start();
    },
  };
}

/** startProsody starts a Prosody of its own for one test file. */
export function startProsody(users: readonly string[], env: Record<string, string> = {}): Promise<Prosody> {
  return startXmppServer('prosody', users, env);
}
