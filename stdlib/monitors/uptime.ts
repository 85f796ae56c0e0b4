import { loadavg } from 'node:os';
import { defineMonitor } from '../monitor-plugin.js';

interface Config {
  warning_load?: number;
  critical_load?: number;
}

/** loadStatus is OK, WARNING or CRITICAL for a one-minute load against the thresholds. */
export function loadStatus(load: number, c: Config): 'OK' | 'WARNING' | 'CRITICAL' {
  if (c.critical_load !== undefined && load >= c.critical_load) return 'CRITICAL';
  if (c.warning_load !== undefined && load >= c.warning_load) return 'WARNING';
  return 'OK';
}

export default defineMonitor<Config>({
  name: 'Uptime',
  summary: 'The load average, with warning and critical thresholds.',
  docs: 'Reports `load01`, `load05` and `load15` and a `status` of OK, WARNING (one-minute load at or above `warning_load`) or CRITICAL (at or above `critical_load`), with a subject such as `load: 0.42 0.30 0.25`.',
  schema: {
    type: 'object',
    properties: {
      warning_load: { type: 'number', minimum: 0, description: 'one-minute load for WARNING' },
      critical_load: { type: 'number', minimum: 0, description: 'one-minute load for CRITICAL' },
    },
  },
  check: (c) =>
    c.warning_load !== undefined && c.critical_load !== undefined && c.warning_load > c.critical_load
      ? [{ path: ['warning_load'], message: '`warning_load` is above `critical_load`' }]
      : [],
  create(c) {
    return {
      check() {
        const [l1, l5, l15] = loadavg().map((x) => Number(x.toFixed(2)));
        const status = loadStatus(l1, c);
        return { react: { load01: l1, load05: l5, load15: l15, status, subject: `load: ${l1} ${l5} ${l15}` } };
      },
    };
  },
});
