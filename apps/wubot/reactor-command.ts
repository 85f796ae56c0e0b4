import { createLogger } from '../../runtime/log.js';
import { isCorruption, QueueInUseError } from '../../runtime/queue/queue-db.js';
import { QueueBusyError } from '../../runtime/queue/queue-reader.js';
import { Reactor } from './reactor.js';
import { homeOf, hostnameOf, logStrayRejections, type Flags } from './command-context.js';

/** reactorCommand runs the reactor until SIGTERM or SIGINT; SIGHUP reloads the config. */
export async function reactorCommand(flags: Flags): Promise<number> {
  const log = createLogger();
  logStrayRejections(log);
  const budget = flags.budget === undefined ? undefined : Number(flags.budget);
  if (budget !== undefined && !(Number.isInteger(budget) && budget > 0)) {
    log.error('--budget must be a whole number of milliseconds above 0', { budget: flags.budget });
    return 2;
  }
  const options = { home: homeOf(flags), hostname: hostnameOf(flags), log, budgetMs: budget };
  let reactor = new Reactor(options);
  let stopping = false;
  let restarted = false;
  // handlers first: a signal that comes right after "reactor started" must not find SIGHUP's default (exit)
  process.on('SIGHUP', () => reactor.requestReload());
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => ((stopping = true), reactor.stop()));
  for (;;) {
    try {
      if (!(await reactor.start())) return 1;
      await reactor.run();
      break;
    } catch (e) {
      if (e instanceof QueueBusyError || e instanceof QueueInUseError) {
        log.error(e.message);
        return 1;
      }
      // a queue file damaged while it was in use: opening it again salvages it (queue-db.ts), and the reactor goes on
      if (!isCorruption(e) || stopping || (restarted && reactor.handled === 0)) throw e;
      restarted = true;
      log.error('the queue file is damaged; opening it again to salvage it', { error: (e as Error).message });
      reactor.close();
      reactor = new Reactor(options);
    }
  }
  reactor.close();
  log.info('reactor stopped', { handled: reactor.handled });
  return 0;
}
