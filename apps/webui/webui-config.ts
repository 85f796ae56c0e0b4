import { existsSync } from 'node:fs';
import { readConfigFile } from '../../runtime/config-file.js';
import { join } from 'node:path';
import { hasErrors } from '../../grammar/diagnostics/diagnostic.js';
import { renderText } from '../../compiler/diagnostics/render.js';
import { DEFAULT_WEBUI_PORT, isListenAddress, MIN_TOKEN, needsToken, webuiShape } from '../../compiler/schema/webui-schema.js';
import { compile } from '../../compiler/compile.js';
import { DEFAULT_SERIES_FILE } from '../../stdlib/graph.js';
import { hostFile } from '../../runtime/config-tree.js';
import { configPath } from '../../runtime/paths.js';
import { rememberSecrets } from '../../runtime/secrets.js';

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
  /** tls: serve HTTPS with this certificate and key (their PEM text) */
  readonly tls?: { readonly cert: string; readonly key: string };
}

/** WebuiConfigError is a config the web UI cannot start with; its message says where and why. */
export class WebuiConfigError extends Error {}

/** webuiConfig reads the host's web UI config (if any) and applies --listen and --port over it. */
export function webuiConfig(home: string, host: string, flags: { listen?: string; port?: string }): WebuiConfig {
  const configDir = join(home, 'config');
  const file = hostFile(configDir, 'webui.yaml', host);
  let data: Record<string, unknown> = {};
  if (existsSync(file)) {
    const loaded = compile(file, { until: 'validate', shape: webuiShape });
    if (hasErrors(loaded.diagnostics)) throw new WebuiConfigError(renderText(loaded.diagnostics));
    data = loaded.root ?? {};
    rememberSecrets(data);
  }
  const listen = flags.listen ?? (data.listen as string | undefined) ?? '127.0.0.1';
  if (!isListenAddress(listen)) throw new WebuiConfigError(`--listen ${listen}: not an IP address`);
  const port = flags.port !== undefined ? Number(flags.port) : ((data.port as number | undefined) ?? DEFAULT_WEBUI_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new WebuiConfigError(`--port ${flags.port}: not a port number`);
  const token = data.token as string | undefined;
  if (needsToken(listen, token)) {
    throw new WebuiConfigError(
      `the web UI would listen on ${listen}, where other machines reach it, without a password: set \`token\` (${MIN_TOKEN} characters or more) in ${file}, or listen on 127.0.0.1`,
    );
  }
  const notifications = (data.notifications as { file?: string; table?: string } | undefined) ?? {};
  const tlsFiles = data.tls as { cert: string; key: string } | undefined;
  const pem = (what: 'cert' | 'key') => {
    const path = configPath(tlsFiles![what], home);
    try {
      return readConfigFile(path);
    } catch (e) {
      throw new WebuiConfigError(`tls.${what} in ${file}: cannot read ${path}: ${(e as Error).message}`);
    }
  };
  return {
    listen,
    port,
    token,
    notificationsFile: configPath(notifications.file ?? 'sqlite/notifications.sql', home),
    notificationsTable: notifications.table ?? 'notifications',
    seriesFile: configPath((data.series as string | undefined) ?? DEFAULT_SERIES_FILE, home),
    configDir,
    tls: tlsFiles ? { cert: pem('cert'), key: pem('key') } : undefined,
  };
}
