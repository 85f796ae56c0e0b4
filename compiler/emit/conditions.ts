import { code, name, type Code, type Name } from '../../grammar/code.js';
import { fieldsRead, isLeaf, type Cond, type Leaf } from '../../grammar/ast.js';
import { emitTest, type EmitContext } from '../../grammar/kinds/index.js';
import { unparse } from '../../grammar/unparse.js';
import { ENV } from '../../runtime/evaluate.js';
import { translatePerlRegex } from '../../grammar/perl-regex.js';

/** INHERITED: names a plain object inherits (`__proto__` among them), which are no fields of a message: reading one needs an own-property test, and writing one goes through the plugin. */
export const INHERITED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** MemoSlot holds the result of a test that appears more than once, until a field it reads may change. */
export interface MemoSlot {
  readonly name: Name;
  readonly fields: ReadonlySet<string>;
}

/** FieldSlot holds a field's text or number, as tests see it, from its first read until the field may change; null until read. */
export interface FieldSlot {
  readonly name: Name;
  readonly field: string;
  readonly of: 'text' | 'number';
}

/** Reads counts the fields that tests read as text or as numbers, by running their emit hooks without keeping the code. */
class Reads implements EmitContext {
  readonly values = ENV;
  readonly counts = new Map<string, number>();
  private count(of: FieldSlot['of'], field: string): Code {
    const key = `${of}\0${field}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return code`m`;
  }
  read(): Code {
    return code`m`;
  }
  text(field: string): Code {
    return this.count('text', field);
  }
  number(field: string): Code {
    return this.count('number', field);
  }
  regex(): Name {
    return name('re');
  }
}

/** CondEmitter turns conditions into TypeScript expressions over the message `m`; each test by its kind's emit hook. */
export class CondEmitter implements EmitContext {
  readonly values = ENV;
  readonly regexes = new Map<string, { name: Name; source: string; icase: boolean; rule: string }>();
  /** the rule whose condition is being emitted, which a regex that runs past the time budget is reported with */
  rule = '';
  readonly memo = new Map<string, MemoSlot>();
  /** fields: a slot for each field two or more tests read as text, or as a number, by `of` and field */
  readonly fields = new Map<string, FieldSlot>();

  /**
   * useMemo gives a slot to every test that occurs at least twice among the
   * conditions, and to every field that two different tests (or `textReads`,
   * the fields a dispatch reads) read as text or as a number.
   */
  useMemo(conds: readonly Cond[], textReads: readonly string[] = []): void {
    const counts = new Map<string, Leaf>();
    const seen = new Map<string, Leaf>();
    const visit = (c: Cond): void => {
      if (isLeaf(c)) {
        const key = unparse(c);
        if (seen.has(key)) counts.set(key, c);
        else seen.set(key, c);
        return;
      }
      if (c.kind === 'and' || c.kind === 'or') {
        visit(c.left);
        visit(c.right);
      } else if (c.kind === 'not') visit(c.operand);
      else if (c.kind === 'group') visit(c.inner);
      else if (c.kind === 'choose') [c.on, c.then, c.else].forEach(visit);
    };
    conds.forEach(visit);
    for (const [key, leaf] of counts) {
      this.memo.set(key, { name: name('t', this.memo.size), fields: fieldsRead(leaf) });
    }
    const reads = new Reads();
    for (const leaf of seen.values()) emitTest(leaf, reads);
    for (const f of textReads) reads.text(f);
    for (const [key, n] of reads.counts) {
      if (n < 2) continue;
      const [of, field] = key.split('\0') as [FieldSlot['of'], string];
      this.fields.set(key, { name: name('f', this.fields.size), field, of });
    }
  }

  /** read is the expression for a field's value. */
  read(field: string): Code {
    return INHERITED.has(field) ? code`own(m, ${field})` : code`m[${field}]`;
  }

  text(field: string): Code {
    return this.cached('text', field, code`txt(${this.read(field)})`);
  }

  number(field: string): Code {
    return this.cached('number', field, code`num(${this.read(field)})`);
  }

  private cached(of: FieldSlot['of'], field: string, value: Code): Code {
    const slot = this.fields.get(`${of}\0${field}`);
    return slot ? code`(${slot.name} !== null ? ${slot.name} : (${slot.name} = ${value}))` : value;
  }

  /** regex returns the module-level name of a compiled regex. */
  regex(source: string, icase: boolean): Name {
    const t = translatePerlRegex(source, { icase });
    if (!t.ok) throw new Error(`emit: unchecked regex ${JSON.stringify(source)}`);
    // only a pattern that may backtrack can run past the time budget, and it says for which rule
    const rule = t.backtrack ? this.rule : '';
    const key = `${icase ? 'i' : '-'}${rule}\0${source}`;
    let r = this.regexes.get(key);
    if (!r) {
      r = { name: name('re', this.regexes.size), source, icase, rule };
      this.regexes.set(key, r);
    }
    return r.name;
  }

  /** expr is the expression for a condition. */
  expr(c: Cond): Code {
    if (isLeaf(c)) {
      const slot = this.memo.get(unparse(c));
      const test = emitTest(c, this);
      return slot ? code`(${slot.name} === 0 ? (${slot.name} = ${test} ? 1 : 2) : ${slot.name}) === 1` : test;
    }
    switch (c.kind) {
      // chains stay flat (a && b && c), so that a long condition does not nest the emitted code
      case 'and':
        return code`${c.left.kind === 'and' ? this.expr(c.left) : code`(${this.expr(c.left)})`} && (${this.expr(c.right)})`;
      case 'or':
        return code`${c.left.kind === 'or' ? this.expr(c.left) : code`(${this.expr(c.left)})`} || (${this.expr(c.right)})`;
      case 'not': {
        // tests are pure and boolean, so NOT NOT x is x
        let x: Cond = c.operand;
        let negate = true;
        while (x.kind === 'not') {
          x = x.operand;
          negate = !negate;
        }
        return negate ? code`!(${this.expr(x)})` : this.expr(x);
      }
      case 'group':
        return this.expr(c.inner);
      case 'choose':
        return code`(${this.expr(c.on)}) ? (${this.expr(c.then)}) : (${this.expr(c.else)})`;
      case 'const':
        return c.value ? code`true` : code`false`;
    }
  }

  /** resets returns statements that forget memoized tests, texts and numbers of fields a write may change. */
  resets(writes: ReadonlySet<string> | 'any'): Code[] {
    const out: Code[] = [];
    for (const slot of this.memo.values()) {
      if (writes === 'any' || [...slot.fields].some((f) => writes.has(f))) out.push(code`${slot.name} = 0;`);
    }
    for (const slot of this.fields.values()) {
      if (writes === 'any' || writes.has(slot.field)) out.push(code`${slot.name} = null;`);
    }
    return out;
  }
}
