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
    if (!isListenAddress(listen)) return [{ path: ['listen'], message: '`listen` must be an IP address, such as 127.0.0.1 or 0.0.0.0' }];
    if (needsToken(listen, d.token)) return [{ path: ['listen'], message: `listening on ${listen} lets other machines reach the pages: set \`token\` (${MIN_TOKEN} characters or more) too` }];
    return [];
  },
};

/** isListenAddress tells whether the web UI can listen on an address: an IP address, or localhost. */
export function isListenAddress(address: string): boolean {
  return isIP(address) !== 0 || address === 'localhost';
}

/** needsToken tells whether listening on an address without a token would open the pages to other machines. */
export function needsToken(listen: string, token: unknown): boolean {
  const loopback = listen === 'localhost' || listen === '::1' || /^127\./.test(listen);
  return !loopback && typeof token !== 'string';
}
