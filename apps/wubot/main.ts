import type { Flags } from './command-context.js';
import { usage } from './usage.js';

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
