import { createLogger } from '../../runtime/log.js';
import { Monitor } from './monitor.js';
import { homeOf, hostnameOf, logStrayRejections, stopRequested, type Flags } from './command-context.js';

/** monitorCommand runs the monitor until SIGTERM or SIGINT. */
export async function monitorCommand(flags: Flags): Promise<number> {
  const log = createLogger();
  logStrayRejections(log);
  const monitor = new Monitor({ home: homeOf(flags), hostname: hostnameOf(flags), log });
  // handlers first: a signal while instances load stops the monitor once they are loaded
  const stopWanted = stopRequested();
  const count = await monitor.start();
  if (count === 0) log.warn('no monitor instances to run');
  await stopWanted;
  await monitor.stop();
  log.info('monitor stopped', { checks: monitor.checks });
  return 0;
}
