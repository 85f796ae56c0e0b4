import { isIP } from 'node:net';
import type { FileShape } from '../stages/load.js';

/** DEFAULT_WEBUI_PORT is the web UI's port when neither its config nor --port names one. */
export const DEFAULT_WEBUI_PORT = 8470;
/** MIN_TOKEN is the shortest web UI token accepted. */
export const MIN_TOKEN = 16;

/** webuiShape is what `config/webui.yaml[.<host>]` may hold; lint, the language server and `wubot webui` check it alike. */
export const webuiShape: FileShape = {
  what: 'the web UI config',
  rulesKey: 'rules',
  schema: {
    type: 'object',
    properties: {
      listen: { type: 'string', description: 'the address to listen on (default 127.0.0.1); any other than a loopback address needs `token`' },
      port: { type: 'integer', minimum: 1, maximum: 65535, description: `the port (default ${DEFAULT_WEBUI_PORT})` },
      token: { type: 'string', minLength: MIN_TOKEN, description: `the password for the pages, at least ${MIN_TOKEN} characters` },
      notifications: {
        type: 'object',
        properties: {
          file: { type: 'string', description: 'the SQLite file a rule stores notifications in (default sqlite/notifications.sql)' },
          table: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'the table (default notifications)' },
        },
        additionalProperties: false,
      },
      series: { type: 'string', description: 'the SQLite file the Graph plugin stores series in (default sqlite/series.sql)' },
      tls: {
        type: 'object',
        description: 'serve HTTPS with this certificate and key (PEM files), for pages other machines reach',
        properties: {
          cert: { type: 'string', description: 'the certificate (chain), PEM' },
          key: { type: 'string', description: 'its private key, PEM' },
        },
        required: ['cert', 'key'],
        additionalProperties: false,
      },
    },
    additionalProperties: false,
  },
  check: (d) => {
    const listen = d.listen;
    if (typeof listen !== 'string') return [];
    if (isIP(listen) === 0 && listen !== 'localhost') return [{ path: ['listen'], message: '`listen` must be an IP address, such as 127.0.0.1 or 0.0.0.0' }];
    if (!isLoopback(listen) && typeof d.token !== 'string') return [{ path: ['listen'], message: `listening on ${listen} lets other machines reach the pages: set \`token\` (${MIN_TOKEN} characters or more) too` }];
    return [];
  },
};

/** isLoopback tells whether an address only this machine can reach. */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\./.test(address);
}
