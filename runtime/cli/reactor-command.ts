import { createLogger } from '../log.js';
import { QueueBusyError } from '../queue/queue-reader.js';
import { Reactor } from '../reactor.js';
import { homeOf, hostnameOf, type Flags } from './main.js';

/** reactorCommand runs the reactor until SIGTERM or SIGINT; SIGHUP reloads the config. */
export async function reactorCommand(flags: Flags): Promise<number> {
  const log = createLogger();
  const reactor = new Reactor({ home: homeOf(flags), hostname: hostnameOf(flags), log });
  // handlers first: a signal that comes right after "reactor started" must not find SIGHUP's default (exit)
  process.on('SIGHUP', () => reactor.requestReload());
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => reactor.stop());
  try {
    if (!(await reactor.start())) return 1;
  } catch (e) {
    if (e instanceof QueueBusyError) {
      log.error(e.message);
      return 1;
    }
    throw e;
  }
  await reactor.run();
  reactor.close();
  log.info('reactor stopped', { handled: reactor.handled });
  return 0;
}
