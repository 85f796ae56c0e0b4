import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../runtime/log.js';
import type { Message } from '../runtime/pipeline-api.js';
import { QueueWriter } from '../runtime/queue/queue-writer.js';
import { Reactor } from '../apps/wubot/reactor.js';
import { realisticTree } from './realistic.js';

/** reactorHome makes a wubot home whose reactor runs the realistic tree and forwards every message. */
export function reactorHome(dir: string): string {
  mkdirSync(join(dir, 'config'), { recursive: true });
  const forward = '  - name: forward all\n    plugin: MessageQueue\n    config: { directory: forward }\n';
  writeFileSync(join(dir, 'config', 'reactor.yaml'), realisticTree().replace('  - name: noise\n', forward + '  - name: noise\n'));
  return dir;
}

/** reactorThroughput runs the reactor in this process from its queue into the forward queue. */
export async function reactorThroughput(home: string, messages: readonly Message[]): Promise<number> {
  const w = QueueWriter.open(join(home, 'reactor'), { hostname: 'bench' });
  for (let i = 0; i < messages.length; i += 1000) w.append(messages.slice(i, i + 1000).map((m) => ({ ...m })));
  w.close();
  const r = new Reactor({ home, hostname: 'bench', log: createLogger(process.stderr, false), batch: 500 });
  if (!(await r.start())) throw new Error('bench reactor does not start');
  const t0 = performance.now();
  while (r.step() > 0);
  const s = (performance.now() - t0) / 1000;
  r.close();
  return r.handled / s;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** reactorRss starts `wubot reactor`, samples its RSS idle, then while `waiting` messages wait in its queue. */
export async function reactorRss(wubot: string, home: string, waiting: number, make: (n: number) => Message[]): Promise<{ idle: number; busy: number[] }> {
  // the node options of the bin's first line, as the installed `wubot` runs
  const nodeOptions = (/^#!.*\bnode\b(.*)$/m.exec(readFileSync(wubot, 'utf8').split('\n')[0])?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...nodeOptions, wubot, 'reactor', '--home', home, '--hostname', 'bench'], { stdio: ['ignore', 'ignore', 'ignore'] });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(3000);
  const idle = rssMb(child.pid!);
  child.kill('SIGSTOP');
  const w = QueueWriter.open(join(home, 'reactor'), { hostname: 'bench', durability: 'normal' });
  for (let i = 0; i < waiting; i += 10_000) w.append(make(Math.min(10_000, waiting - i)));
  w.close();
  child.kill('SIGCONT');
  const busy: number[] = [];
  for (let k = 0; k < Number(process.env.BENCH_RSS_SAMPLES ?? 5); k++) {
    await sleep(2000);
    busy.push(rssMb(child.pid!));
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { idle, busy };
}
