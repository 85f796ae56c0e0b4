#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { main } from '../apps/wubotc/main.js';
import { quietOnClosedPipe } from '../runtime/closed-pipe.js';

quietOnClosedPipe();
const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: {
    out: { type: 'string' },
    format: { type: 'string' },
    input: { type: 'string' },
    hostname: { type: 'string' },
    hosts: { type: 'string' },
    home: { type: 'string' },
    'no-optimize': { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    check: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});

process.exitCode = await main(positionals, values as Record<string, string | boolean | undefined>);
