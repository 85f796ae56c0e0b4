import { spawn } from 'node:child_process';
import { defineMonitor } from '../monitor-plugin.js';
import { requireOne } from '../plugin.js';

interface Config {
  command?: string;
  command_array?: string[];
  max_output?: number;
  field?: string;
}

/**
 * runCommand runs a command and collects its output, exit status and signal;
 * the timeout is the monitor's. The command runs in a process group of its
 * own, and `signal` kills the whole group: a shell's children (`sleep 1000 &`)
 * die with it instead of piling up, check after check, holding the output
 * pipe open. With `stderr: false` only standard output is kept, as a Perl
 * backtick would.
 */
export function runCommand(c: Config, signal?: AbortSignal, opts: { stderr?: boolean } = {}): Promise<{ output: string; status: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const options = { stdio: ['ignore', 'pipe', opts.stderr === false ? 'ignore' : 'pipe'] as ['ignore', 'pipe', 'pipe'], detached: true };
    const child = c.command_array ? spawn(c.command_array[0], c.command_array.slice(1), options) : spawn('/bin/sh', ['-c', c.command!], options);
    const max = c.max_output ?? 65536;
    let output = '';
    const take = (d: Buffer) => {
      if (output.length < max) output += d.toString('utf8').slice(0, max - output.length);
    };
    const killGroup = () => {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // the group is gone already
        }
      }
      // a process that left the group may still hold the pipes: stop reading them
      child.stdout.destroy();
      child.stderr?.destroy();
    };
    if (signal?.aborted) killGroup();
    signal?.addEventListener('abort', killGroup, { once: true });
    child.stdout.on('data', take);
    child.stderr?.on('data', take);
    child.on('error', reject);
    child.on('close', (status, sig) => {
      signal?.removeEventListener('abort', killGroup);
      resolve({ output, status, signal: sig });
    });
  });
}

export default defineMonitor<Config>({
  name: 'Command',
  summary: 'Run a command and report its output and exit status.',
  docs: 'Runs `command` with /bin/sh, or `command_array` without a shell, and reports `command_output` (or the field named by `field`: stdout and stderr, at most `max_output` characters), `command_status`, `command_signal`, and a `status` of OK (exit 0) or CRITICAL.',
  schema: {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'a shell command' },
      command_array: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'a program and its arguments, run without a shell' },
      max_output: { type: 'integer', minimum: 0, description: 'most characters of output kept (default 65536)' },
      field: { type: 'string', description: 'the field that gets the output (default command_output), as in the original' },
    },
  },
  check: (c) => requireOne(c, ['command', 'command_array']),
  create(c) {
    return {
      async check(_cache, signal) {
        const r = await runCommand(c, signal);
        const ok = r.status === 0;
        const what = c.command ?? c.command_array!.join(' ');
        return {
          react: {
            [c.field || 'command_output']: r.output,
            command_status: r.status,
            command_signal: r.signal,
            status: ok ? 'OK' : 'CRITICAL',
            subject: ok ? `${what}: ok` : `${what}: ${r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`}`,
          },
        };
      },
    };
  },
});
