import { isLeafKind, testFields, type Leaf } from './kinds/index.js';

/** A half-open range of offsets into the condition text. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** Cond is the AST of one condition, as the original wubot evaluates it. */
export type Cond =
  | { kind: 'and'; left: Cond; right: Cond; span: TextSpan }
  | { kind: 'or'; left: Cond; right: Cond; span: TextSpan }
  | { kind: 'not'; operand: Cond; span: TextSpan }
  | { kind: 'group'; inner: Cond; span: TextSpan }
  /** unparseable marks the false of a test the original cannot parse (it logs it and takes it as false). */
  | { kind: 'const'; value: boolean; span: TextSpan; unparseable?: true }
  /**
   * choose is a test with `( … )` groups inside it, which the original
   * replaces by the text TRUE or FALSE before reading the test: `then` is
   * the test read with `on` true, `else` with it false. `text` is the test
   * as written.
   */
  | { kind: 'choose'; on: Cond; then: Cond; else: Cond; text: string; span: TextSpan }
  | Leaf;

export type { CompareOp, Operand } from './kinds/compare.js';
export type { Leaf };

/** isLeaf tells whether a node is a test of message fields. */
export function isLeaf(c: Cond): c is Leaf {
  return isLeafKind(c.kind);
}

/** children lists the conditions a condition is made of. */
export function children(c: Cond): Cond[] {
  switch (c.kind) {
    case 'and':
    case 'or':
      return [c.left, c.right];
    case 'not':
      return [c.operand];
    case 'group':
      return [c.inner];
    case 'choose':
      return [c.on, c.then, c.else];
    default:
      return [];
  }
}

/** hasUnparseable tells whether a condition holds a test the original cannot parse. */
export function hasUnparseable(c: Cond): boolean {
  return (c.kind === 'const' && c.unparseable === true) || children(c).some(hasUnparseable);
}

/** fieldsRead lists the message fields a condition reads. */
export function fieldsRead(c: Cond, out: Set<string> = new Set()): Set<string> {
  switch (c.kind) {
    case 'and':
    case 'or':
      fieldsRead(c.left, out);
      fieldsRead(c.right, out);
      break;
    case 'not':
      fieldsRead(c.operand, out);
      break;
    case 'group':
      fieldsRead(c.inner, out);
      break;
    case 'choose':
      fieldsRead(c.on, out);
      fieldsRead(c.then, out);
      fieldsRead(c.else, out);
      break;
    case 'const':
      break;
    default:
      for (const f of testFields(c)) out.add(f);
  }
  return out;
}
