import { loadavg } from 'node:os';
import { defineMonitor } from '../monitor-plugin.js';
import { runCommand } from './command.js';

interface Config {
  warning_load?: number;
  critical_load?: number;
  command?: string;
}

/** loadStatus is OK, WARNING or CRITICAL for a one-minute load above the thresholds (strictly, as the original). */
export function loadStatus(load: number, c: Config): 'OK' | 'WARNING' | 'CRITICAL' {
  if (c.critical_load !== undefined && load > c.critical_load) return 'CRITICAL';
  if (c.warning_load !== undefined && load > c.warning_load) return 'WARNING';
  return 'OK';
}

/** UPTIME_LOADS finds the three load averages in the output of uptime (Linux, BSD and macOS forms), as the original reads them. */
const UPTIME_LOADS = /load averages?: ([\d.]+),?\s+([\d.]+),?\s+([\d.]+)/;

export default defineMonitor<Config>({
  name: 'Uptime',
  summary: 'The load average, with warning and critical thresholds.',
  docs: "Reports `load01`, `load05` and `load15` and a `status` of OK, WARNING (one-minute load above `warning_load`) or CRITICAL (above `critical_load`); a message that is not OK has the original's subject, such as `critical: load over last 1 minute is 9.5 ` (the trailing space included), an OK one has none. The loads are this host's, or, with `command` (a shell command such as `/usr/bin/uptime` or `ssh somehost uptime`), read from that command's output; output without them gives the subject `<key>: ERROR: unable to parse uptime output: <output>`, as in the original.",
  schema: {
    type: 'object',
    properties: {
      warning_load: { type: 'number', minimum: 0, description: 'one-minute load for WARNING' },
      critical_load: { type: 'number', minimum: 0, description: 'one-minute load for CRITICAL' },
      command: { type: 'string', description: 'a shell command whose output holds the load averages, as uptime prints them' },
    },
  },
  check: (c) =>
    c.warning_load !== undefined && c.critical_load !== undefined && c.warning_load > c.critical_load
      ? [{ path: ['warning_load'], message: '`warning_load` is above `critical_load`' }]
      : [],
  create(c, ctx) {
    return {
      async check(_cache, signal) {
        let loads = loadavg().map((x) => Number(x.toFixed(2)));
        if (c.command) {
          const output = (await runCommand({ command: c.command }, signal, { stderr: false })).output.replace(/\n$/, '');
          const m = UPTIME_LOADS.exec(output);
          if (!m) return { react: { subject: `${ctx.key}: ERROR: unable to parse uptime output: ${output}` } };
          loads = m.slice(1, 4).map(Number);
        }
        const [l1, l5, l15] = loads;
        const status = loadStatus(l1, c);
        const react: Record<string, unknown> = { load01: l1, load05: l5, load15: l15, status };
        if (status !== 'OK') react.subject = `${status.toLowerCase()}: load over last 1 minute is ${l1} `;
        return { react };
      },
    };
  },
});
