import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Reactor } from '../apps/wubot/reactor.js';
import type { Message } from '../runtime/pipeline-api.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { join } from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort, memoryLog, repoRoot, stopChild, tempDir, waitFor, wubotHome } from './helpers.js';

/** Recorded is one request an HTTP test server received. */
export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** Answer is how a test server answers: a status and body, or `hang` to never answer. */
export type Answer = { status: number; body?: string; type?: string } | 'hang';

/** HttpRecorder is a local HTTP server that records every request and answers as the test says. */
export interface HttpRecorder {
  readonly url: string;
  readonly requests: Recorded[];
  answer: (r: Recorded, n: number) => Answer;
  close(): Promise<void>;
}

export async function httpRecorder(answer: HttpRecorder['answer'] = () => ({ status: 200, body: '{}' })): Promise<HttpRecorder> {
  const hanging: ServerResponse[] = [];
  const rec: HttpRecorder = {
    url: '',
    requests: [],
    answer,
    close: () =>
      new Promise<void>((done) => {
        for (const h of hanging) h.destroy();
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Recorded = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      rec.requests.push(r);
      const a = rec.answer(r, rec.requests.length);
      if (a === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (rec as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return rec;
}

/** RunningReactor is a reactor running in the test's process, with its channels' workers. */
export interface RunningReactor {
  readonly reactor: Reactor;
  readonly home: string;
  readonly log: ReturnType<typeof memoryLog>;
  push(messages: Message[]): void;
  stop(): Promise<void>;
}

/** runReactor starts a reactor over a home whose config holds `files`. */
export async function runReactor(host: string, files: Record<string, string>): Promise<RunningReactor> {
  return runReactorIn(wubotHome(host, files), host);
}

/** runReactorIn runs an in-process reactor on a wubot home made before (e.g. by an earlier runReactor). */
export async function runReactorIn(home: string, host: string): Promise<RunningReactor> {
  const log = memoryLog();
  const reactor = new Reactor({ home, hostname: host, log, fallbackMs: 200 });
  if (!(await reactor.start())) throw new Error(`the reactor did not start: ${log.lines.join('\n')}`);
  const running = reactor.run();
  const writer = QueueWriter.open(join(home, 'reactor'), { hostname: host });
  return {
    reactor,
    home,
    log,
    push: (messages) => void writer.append(messages),
    async stop() {
      reactor.stop();
      await running;
      await reactor.deliveries.close();
      reactor.close();
      writer.close();
    },
  };
}

/** SmtpServer is test/smtp-server.py running: STARTTLS and AUTH required, mails as files in `maildir`. */
export interface SmtpServer {
  readonly port: number;
  /** ca is the server's self-signed certificate, for `tls_ca`. */
  readonly ca: string;
  readonly maildir: string;
  mails(): string[];
  close(): Promise<void>;
}

/** selfSignedCert makes a certificate for 127.0.0.1 and localhost in `dir`. */
export function selfSignedCert(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

export async function smtpServer(user: string, password: string): Promise<SmtpServer> {
  const dir = tempDir('wubot-smtp-');
  const maildir = join(dir, 'mail');
  mkdirSync(maildir);
  const { cert, key } = selfSignedCert(dir);
  const port = await freePort();
  const child = spawn('/usr/bin/python3', [join(repoRoot, 'test', 'smtp-server.py'), String(port), cert, key, user, password, maildir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  if (!(await waitFor(() => out.includes('ready') || child.exitCode !== null, 20_000, 50)) || child.exitCode !== null) throw new Error(`the SMTP server did not start: ${out}`);
  return {
    port,
    ca: cert,
    maildir,
    mails: () =>
      readdirSync(maildir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => readFileSync(join(maildir, f), 'utf8')),
    close: () => stopChild(child),
  };
}

/** IrcServer is Debian's ngircd on 127.0.0.1, with its config in a directory of its own. */
export interface IrcServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function ircServer(): Promise<IrcServer> {
  const dir = tempDir('wubot-ircd-');
  const port = await freePort();
  const conf = join(dir, 'ngircd.conf');
  writeFileSync(
    conf,
    ['[Global]', 'Name = irc.localhost', 'Info = wubot test server', `Ports = ${port}`, 'Listen = 127.0.0.1', 'MotdPhrase = wubot test', 'ServerUID = 65534', 'ServerGID = 65534', '[Limits]', 'MaxNickLength = 30', '[Options]', 'PAM = no', 'Ident = no', 'DNS = no', 'MorePrivacy = no', '[SSL]', ''].join('\n'),
  );
  const child = spawn('/usr/sbin/ngircd', ['--nodaemon', '--config', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const listening = async () => {
    try {
      await new Promise<void>((res, rej) => {
        const s = connect(port, '127.0.0.1', () => (s.end(), res()));
        s.on('error', rej);
      });
      return true;
    } catch {
      return false;
    }
  };
  for (const t0 = Date.now(); !(await listening()); ) {
    if (child.exitCode !== null || Date.now() - t0 > 20_000) throw new Error(`ngircd did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, close: () => stopChild(child) };
}
