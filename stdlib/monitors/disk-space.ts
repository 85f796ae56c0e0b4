import { statfsSync } from 'node:fs';
import type { Message } from '../../runtime/pipeline-api.js';
import { perlRegex } from '../../runtime/perl-matcher.js';
import { translatePerlRegex } from '../../grammar/perl-regex.js';
import { defineMonitor } from '../monitor-plugin.js';
import type { ConfigProblem } from '../plugin.js';
import { runCommand } from './command.js';

interface Config {
  path?: string;
  warning_percent?: number;
  critical_percent?: number;
  command?: string;
  skip?: Record<string, unknown> | string[];
}

/** skipPatterns are the Perl regexes of `skip`: the keys of a mapping, as the original reads it (`'/dev': 1`), or a list. */
function skipPatterns(skip: Config['skip']): string[] {
  if (skip === undefined || skip === null) return [];
  return Array.isArray(skip) ? skip.map(String) : Object.keys(skip);
}

function checkSkip(c: Config): ConfigProblem[] {
  const patterns = skipPatterns(c.skip);
  return patterns.flatMap((p, i) => {
    const t = translatePerlRegex(p);
    return t.ok ? [] : [{ path: Array.isArray(c.skip) ? ['skip', i] : ['skip', p], message: `skip pattern \`${p}\`: ${t.message}` }];
  });
}

/** DF_LINE is a line of `df` output: the use percentage, then the mount point. */
const DF_LINE = /\s(\d+)%\s*(.*)$/;

export default defineMonitor<Config>({
  name: 'DiskSpace',
  summary: 'How full file systems are, with warning and critical thresholds.',
  docs: "Reports `percent` used of the file system holding `path` (default /), `free_bytes`, and a `status` of OK, WARNING (above `warning_percent`, default 90) or CRITICAL (above `critical_percent`, default 95; strictly above, as the original). With `command` (such as `df -k`, or `ssh somehost df -k`), reads that command's output instead, as the original: one message per file system (`filesystem`, `percent`, `status`, and a subject such as `critical: disk use on /var is 97` when not OK), sent only when its percentage changed since the last check. File systems whose mount point matches one of the Perl regexes of `skip` (the keys of a mapping, `'/dev': 1`, or a list) are left out.",
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'a path on the file system (default /)' },
      warning_percent: { type: 'number', minimum: 0, maximum: 100 },
      critical_percent: { type: 'number', minimum: 0, maximum: 100 },
      command: { type: 'string', description: 'a shell command printing df output, such as `df -k`' },
      skip: {
        type: ['object', 'array'],
        items: { type: 'string' },
        description: 'regexes of mount points to leave out, as the keys of a mapping (`/dev: 1`) or a list',
      },
    },
  },
  check: checkSkip,
  create(c) {
    const skips = skipPatterns(c.skip).map((p) => perlRegex(p));
    const skipped = (mount: string) => skips.some((re) => re.test(mount));
    const statusOf = (percent: number) => (percent > (c.critical_percent ?? 95) ? 'CRITICAL' : percent > (c.warning_percent ?? 90) ? 'WARNING' : 'OK');
    return {
      async check(cache, signal) {
        if (!c.command) {
          const path = c.path ?? '/';
          if (skipped(path)) return {};
          const s = statfsSync(path);
          const total = s.blocks * s.bsize;
          const avail = s.bavail * s.bsize;
          const used = total - s.bfree * s.bsize;
          const percent = total > 0 ? Math.round((1000 * used) / (used + avail)) / 10 : 0;
          return { react: { path, percent, free_bytes: avail, status: statusOf(percent), subject: `${path} is ${percent}% full` } };
        }
        const output = (await runCommand({ command: c.command }, signal, { stderr: false })).output;
        const last = new Map(Object.entries(cache));
        const react: Message[] = [];
        for (const line of output.split('\n')) {
          if (/^Filesystem\s+/.test(line) || line.includes('Permission denied')) continue;
          const m = DF_LINE.exec(line);
          if (!m) continue;
          const [percent, mount] = [Number(m[1]), m[2]];
          if (skipped(mount) || last.get(mount) === percent) continue;
          last.set(mount, percent);
          const status = statusOf(percent);
          react.push({ filesystem: mount, percent, status, subject: status === 'OK' ? '' : `${status.toLowerCase()}: disk use on ${mount} is ${percent}` });
        }
        return { react, cache: Object.fromEntries(last) };
      },
    };
  },
});
