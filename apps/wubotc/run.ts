import { createReadStream, existsSync } from 'node:fs';
import { shortHostname } from '../../runtime/hostname.js';
import { loadPipeline } from '../wubot/load-pipeline.js';
import { asMessage } from '../../runtime/message.js';
import type { Message, Pipeline } from '../../runtime/pipeline-api.js';

/** LineRunner runs a pipeline over JSON Lines text chunks, writing one line out per line in. */
export class LineRunner {
  private rest = '';
  private lineNo = 0;
  failures = 0;

  constructor(
    private readonly pipeline: Pipeline,
    private readonly write: (text: string) => void,
    private readonly flush: () => void = () => {},
  ) {}

  push(chunk: string): void {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop()!;
    this.lines(lines);
  }

  end(): void {
    if (this.rest !== '') this.lines([this.rest]);
    this.rest = '';
  }

  private lines(lines: string[]): void {
    const out: string[] = [];
    for (const raw of lines) {
      this.lineNo++;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      let m: Message | undefined;
      let problem = 'not a JSON object';
      try {
        m = asMessage(JSON.parse(line));
      } catch (e) {
        problem = `not JSON: ${(e as Error).message}`;
      }
      if (!m) {
        process.stderr.write(`input line ${this.lineNo}: ${problem}\n`);
        this.failures++;
        out.push('null');
        continue;
      }
      try {
        this.pipeline(m);
      } catch (e) {
        this.failures++;
        process.stderr.write(`input line ${this.lineNo}: a plugin failed: ${(e as Error).message}\n`);
      }
      out.push(JSON.stringify(m));
    }
    this.flush();
    if (out.length) this.write(out.join('\n') + '\n');
  }
}

/** runCommand runs a rule tree over JSON Lines from a file or stdin. */
export async function runCommand(args: string[], flags: Record<string, string | boolean | undefined>): Promise<number> {
  const [rules] = args;
  if (!rules || args.length > 1) {
    process.stderr.write('usage: wubotc run <rules.yaml> [--input FILE] [--hostname H]\n');
    return 2;
  }
  for (const f of [rules, flags.input]) {
    if (typeof f === 'string' && !existsSync(f)) {
      process.stderr.write(`wubotc: ${f}: no such file or directory\n`);
      return 2;
    }
  }
  const loaded = await loadPipeline(rules, {
    hostname: (flags.hostname as string | undefined) ?? shortHostname(),
    optimize: !flags['no-optimize'],
  });
  if (!loaded.ok) {
    process.stderr.write(loaded.report + '\n');
    return 1;
  }
  const input = flags.input ? createReadStream(flags.input as string, 'utf8') : process.stdin.setEncoding('utf8');
  const runner = new LineRunner(loaded.pipeline, (t) => process.stdout.write(t), () => loaded.runtime.flush());
  for await (const chunk of input) runner.push(chunk as string);
  runner.end();
  return runner.failures > 0 ? 1 : 0;
}
