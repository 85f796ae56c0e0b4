import { usage } from './usage.js';

/** main dispatches a wubotc command and returns the exit status: 0 ok, 1 errors, 2 usage. */
export async function main(args: string[], flags: Record<string, string | boolean | undefined>): Promise<number> {
  const [command, ...rest] = args;
  if (flags.help || command === undefined || command === 'help') {
    process.stdout.write(usage);
    return command === undefined && !flags.help ? 2 : 0;
  }
  switch (command) {
    case 'run':
      return (await import('./run.js')).runCommand(rest, flags);
    case 'lint':
      return (await import('./lint.js')).lintCommand(rest, flags);
    case 'compile':
      return (await import('./compile.js')).compileCommand(rest, flags);
    case 'lsp':
      return (await import('../lsp/server.js')).lspCommand();
    case 'schema':
      return (await import('./schema.js')).schemaCommand(rest, flags);
    case 'check-loops':
      return (await import('./check-loops.js')).checkLoopsCommand(rest, flags);
    default:
      process.stderr.write(`wubotc: unknown command \`${command}\`\n\n${usage}`);
      return 2;
  }
}
