#!/usr/bin/env -S node --max-semi-space-size=8
// The daemons run for months: a young generation of at most 8 MB keeps a busy
// reactor's memory flat (V8's default lets it grow to 16 MB a semi-space,
// about 12 MB more RSS) at no measurable cost in speed. bench/reactor.ts
// starts the daemon with the options of this line, as the installed bin runs.
import { parseArgs } from 'node:util';
import { main } from '../apps/wubot/main.js';
import { quietOnClosedPipe } from '../runtime/closed-pipe.js';

quietOnClosedPipe();
const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: {
    home: { type: 'string' },
    hostname: { type: 'string' },
    port: { type: 'string' },
    listen: { type: 'string' },
    budget: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

process.exitCode = await main(positionals, values as Record<string, string | boolean | undefined>);
