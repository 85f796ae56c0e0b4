import { homedir } from 'node:os';
import { join } from 'node:path';
import { shortHostname } from '../../runtime/hostname.js';
import type { Logger } from '../../runtime/pipeline-api.js';
import { usage } from './usage.js';

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

/** main dispatches a wubot command and returns the exit status (or never returns, for daemons). */
export async function main(args: string[], flags: Flags): Promise<number> {
  const [command, ...rest] = args;
  if (flags.help || command === undefined || command === 'help') {
    process.stdout.write(usage);
    return command === undefined && !flags.help ? 2 : 0;
  }
  switch (command) {
    case 'monitor':
      return (await import('./monitor-command.js')).monitorCommand(flags);
    case 'reactor':
      return (await import('./reactor-command.js')).reactorCommand(flags);
    case 'check':
      return (await import('./check-command.js')).checkCommand(rest, flags);
    case 'config':
      return (await import('./config-command.js')).configCommand(rest, flags);
    case 'queue':
      return (await import('./queue-command.js')).queueCommand(rest, flags);
    case 'webui':
      return (await import('./webui-command.js')).webuiCommand(flags);
    default:
      process.stderr.write(`wubot: unknown command \`${command}\`\n\n${usage}`);
      return 2;
  }
}
