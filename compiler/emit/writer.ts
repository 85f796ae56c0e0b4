import type { Code } from '../../grammar/code.js';

const INDENT = '    ';

/**
 * CodeWriter writes a module line by line, indenting blocks, and takes only
 * Code, so nothing reaches the module that was not built by `code`
 * (grammar/code.ts). It is the emitter's own: the line writer that ts-morph
 * offers needs all of TypeScript loaded, which was most of the second a
 * compile into the module cache took.
 */
export class CodeWriter {
  private readonly out: string[] = [];
  private depth = 0;

  line(c: Code): this {
    this.out.push(INDENT.repeat(this.depth) + c.toString());
    return this;
  }

  lines(cs: readonly Code[]): void {
    for (const c of cs) this.line(c);
  }

  /** block writes `head{`, the body one level deeper, and `}`; head ends with its own space. */
  block(head: Code | undefined, body: () => void): void {
    this.out.push(`${INDENT.repeat(this.depth)}${head?.toString() ?? ''}{`);
    this.depth++;
    try {
      body();
    } finally {
      this.depth--;
    }
    this.out.push(`${INDENT.repeat(this.depth)}}`);
  }

  /** embed writes another writer's lines here, at this writer's depth. */
  embed(other: CodeWriter): void {
    const pad = INDENT.repeat(this.depth);
    for (const l of other.out) this.out.push(l === '' ? l : pad + l);
  }

  blankLine(): this {
    this.out.push('');
    return this;
  }

  toString(): string {
    return this.out.join('\n') + '\n';
  }
}
