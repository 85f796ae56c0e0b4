import { createLogger } from '../../runtime/log.js';
import { startWebui } from '../webui/server.js';
import { webuiConfig, WebuiConfigError } from '../webui/webui-config.js';
import { homeOf, hostnameOf, logStrayRejections, stopRequested, type Flags } from './command-context.js';

/** webuiCommand serves the web UI until SIGTERM or SIGINT. */
export async function webuiCommand(flags: Flags): Promise<number> {
  const log = createLogger();
  logStrayRejections(log);
  const host = hostnameOf(flags);
  let config;
  try {
    config = webuiConfig(homeOf(flags), host, { listen: flags.listen as string | undefined, port: flags.port as string | undefined });
  } catch (e) {
    if (!(e instanceof WebuiConfigError)) throw e;
    process.stderr.write(`wubot webui: ${e.message.trimEnd()}\n`);
    return 2;
  }
  const stopWanted = stopRequested();
  let webui;
  try {
    webui = await startWebui(config, host, log);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'EADDRINUSE' ? 'the port is taken: pass --port or set `port` in config/webui.yaml' : err.message;
    process.stderr.write(`wubot webui: cannot listen on ${config.listen}:${config.port}: ${why}\n`);
    return 1;
  }
  process.stdout.write(`wubot webui: ${webui.url}${config.token ? ' (token required)' : ''}\n`);
  log.info('webui started', { url: webui.url });
  await stopWanted;
  await webui.close();
  log.info('webui stopped');
  return 0;
}
