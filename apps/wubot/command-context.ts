import { homedir } from 'node:os';
import { join } from 'node:path';
import { shortHostname } from '../../runtime/hostname.js';
import type { Logger } from '../../runtime/pipeline-api.js';

/** Flags are the parsed command-line options. */
export type Flags = Record<string, string | boolean | undefined>;

/** homeOf is --home, else $WUBOT_HOME, else ~/wubot. */
export function homeOf(flags: Flags): string {
  return (flags.home as string | undefined) ?? process.env.WUBOT_HOME ?? join(homedir(), 'wubot');
}

/** hostnameOf is --hostname, else the short host name. */
export function hostnameOf(flags: Flags): string {
  return (flags.hostname as string | undefined) ?? shortHostname();
}

/**
 * stopRequested resolves at the first SIGTERM or SIGINT. A daemon calls it
 * before it starts, so that a signal during start-up finds the handler
 * (not the default, which would end the process mid-start) and stops the
 * daemon once it has started.
 */
export function stopRequested(): Promise<void> {
  return new Promise((resolve) => {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) process.once(sig, () => resolve());
  });
}

/**
 * logStrayRejections keeps a daemon running when a library leaves a promise
 * rejected with nobody waiting on it (@xmpp/client does, for an
 * authentication cut short by a dropped connection): the daemon logs it and
 * goes on, since its own work recovers by reconnecting, where Node's
 * default would end every monitor on the host.
 */
export function logStrayRejections(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    log.error('a stray failure was ignored', { error: reason instanceof Error ? reason.message : String(reason) });
  });
}
