/**
 * quietOnClosedPipe makes a command line end quietly when the reader of its
 * output goes away (`wubotc lint … | head -1`): nothing is left to say and
 * no one to say it to, so EPIPE ends the process with the status it has
 * instead of a stack trace.
 */
export function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
}
