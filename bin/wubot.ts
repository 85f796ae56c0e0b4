#!/usr/bin/env node
import { usage } from '../runtime/cli-usage.js';

// The daemons (monitor, reactor) and queue commands arrive with the runtime; until then this prints what exists.
const [command] = process.argv.slice(2);
if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  process.stdout.write(usage);
  process.exitCode = command === undefined ? 2 : 0;
} else {
  process.stderr.write(`wubot: \`${command}\` is not available yet in this version\n\n${usage}`);
  process.exitCode = 2;
}
