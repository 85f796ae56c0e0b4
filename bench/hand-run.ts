import { createReadStream } from 'node:fs';
import { handWritten } from './realistic.js';

/*
 * The realistic tree's hand-written logic as a whole program over JSON
 * Lines, as a programmer would write it without wubot: the yardstick of
 * `wubotc run` in the bench. Usage: node hand-run.js INPUT HOSTNAME
 */
const [input, hostname] = process.argv.slice(2);
const pipeline = handWritten(hostname);
let rest = '';
for await (const chunk of createReadStream(input, 'utf8')) {
  const lines = (rest + (chunk as string)).split('\n');
  rest = lines.pop()!;
  const out: string[] = [];
  for (const line of lines) {
    if (line === '') continue;
    const m = JSON.parse(line) as Record<string, unknown>;
    pipeline(m);
    out.push(JSON.stringify(m));
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}
