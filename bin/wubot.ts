#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { main } from '../runtime/cli/main.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: false,
  options: {
    home: { type: 'string' },
    hostname: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

process.exitCode = await main(positionals, values as Record<string, string | boolean | undefined>);
