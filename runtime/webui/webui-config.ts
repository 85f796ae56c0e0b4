import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { renderText } from '../../compiler/diagnostics/render.js';
import { loadRuleTree, type FileShape } from '../../compiler/stages/load.js';
import { DEFAULT_SERIES_FILE } from '../../stdlib/graph.js';
import { configPath } from '../paths.js';

/** WebuiConfig is what `wubot webui` serves and how, from `config/webui.yaml[.<host>]` and the command line. */
export interface WebuiConfig {
  readonly listen: string;
  readonly port: number;
  /** token is the password every request must carry; required when listen is not a loopback address. */
  readonly token?: string;
  readonly notificationsFile: string;
  readonly notificationsTable: string;
  readonly seriesFile: string;
  /** configDir is the config tree whose hosts the network page draws. */
  readonly configDir: string;
}

/** DEFAULT_PORT is the web UI's port when neither the config nor --port names one. */
export const DEFAULT_PORT = 8470;
const MIN_TOKEN = 16;

const shape: FileShape = {
  what: 'the web UI config',
  rulesKey: 'rules',
  schema: {
    type: 'object',
    properties: {
      listen: { type: 'string', description: 'the address to listen on (default 127.0.0.1); any other than a loopback address needs `token`' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: `the port (default ${DEFAULT_PORT})` },
      token: { type: 'string', minLength: MIN_TOKEN, description: `the password for the pages, at least ${MIN_TOKEN} characters` },
      notifications: {
        type: 'object',
        properties: {
          file: { type: 'string', description: 'the SQLite file a rule stores notifications in (default sqlite/notifications.sql)' },
          table: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'the table (default notifications)' },
        },
        additionalProperties: false,
      },
      series: { type: 'string', description: `the SQLite file the Graph plugin stores series in (default ${DEFAULT_SERIES_FILE})` },
    },
    additionalProperties: false,
  },
  check: (d) => (typeof d.listen === 'string' && isIP(d.listen) === 0 && d.listen !== 'localhost' ? [{ path: ['listen'], message: '`listen` must be an IP address, such as 127.0.0.1 or 0.0.0.0' }] : []),
};

/** isLoopback tells whether an address only this machine can reach. */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}

/** WebuiConfigError is a config the web UI cannot start with; its message says where and why. */
export class WebuiConfigError extends Error {}

/** webuiConfig reads the host's web UI config (if any) and applies --listen and --port over it. */
export function webuiConfig(home: string, host: string, flags: { listen?: string; port?: string }): WebuiConfig {
  const configDir = join(home, 'config');
  const own = join(configDir, `webui.yaml.${host}`);
  const file = existsSync(own) ? own : join(configDir, 'webui.yaml');
  let data: Record<string, unknown> = {};
  if (existsSync(file)) {
    const loaded = loadRuleTree(file, undefined, undefined, shape);
    if (hasErrors(loaded.diagnostics)) throw new WebuiConfigError(renderText(loaded.diagnostics));
    data = loaded.root ?? {};
  }
  const listen = flags.listen ?? (data.listen as string | undefined) ?? '127.0.0.1';
  if (isIP(listen) === 0 && listen !== 'localhost') throw new WebuiConfigError(`--listen ${listen}: not an IP address`);
  const port = flags.port !== undefined ? Number(flags.port) : ((data.port as number | undefined) ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WebuiConfigError(`--port ${flags.port}: not a port number`);
  const token = data.token as string | undefined;
  if (!isLoopback(listen) && !token) {
    throw new WebuiConfigError(
      `the web UI would listen on ${listen}, where other machines reach it, without a password: set \`token\` (${MIN_TOKEN} characters or more) in ${file}, or listen on 127.0.0.1`,
    );
  }
  const notifications = (data.notifications as { file?: string; table?: string } | undefined) ?? {};
  return {
    listen,
    port,
    token,
    notificationsFile: configPath(notifications.file ?? 'sqlite/notifications.sql', home),
    notificationsTable: notifications.table ?? 'notifications',
    seriesFile: configPath((data.series as string | undefined) ?? DEFAULT_SERIES_FILE, home),
    configDir,
  };
}
