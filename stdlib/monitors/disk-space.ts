import { statfsSync } from 'node:fs';
import { defineMonitor } from '../monitor-plugin.js';

interface Config {
  path?: string;
  warning_percent?: number;
  critical_percent?: number;
}

export default defineMonitor<Config>({
  name: 'DiskSpace',
  summary: 'How full a file system is, with warning and critical thresholds.',
  docs: 'Reports `percent` used of the file system holding `path` (default /), `free_bytes`, and a `status` of OK, WARNING (at or above `warning_percent`, default 90) or CRITICAL (at or above `critical_percent`, default 95).',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', description: 'a path on the file system (default /)' },
      warning_percent: { type: 'number', minimum: 0, maximum: 100 },
      critical_percent: { type: 'number', minimum: 0, maximum: 100 },
    },
  },
  create(c) {
    const path = c.path ?? '/';
    return {
      check() {
        const s = statfsSync(path);
        const total = s.blocks * s.bsize;
        const avail = s.bavail * s.bsize;
        const used = total - s.bfree * s.bsize;
        const percent = total > 0 ? Math.round((1000 * used) / (used + avail)) / 10 : 0;
        const status = percent >= (c.critical_percent ?? 95) ? 'CRITICAL' : percent >= (c.warning_percent ?? 90) ? 'WARNING' : 'OK';
        return { react: { path, percent, free_bytes: avail, status, subject: `${path} is ${percent}% full` } };
      },
    };
  },
});
