/** A half-open range of offsets into the condition text. */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
}

/** An operand of a numeric comparison: a number literal or a field that must hold a number. */
export type Operand = { kind: 'number'; value: number; text: string } | { kind: 'field'; name: string };

/** Cond is the AST of one condition, as the original wubot evaluates it. */
export type Cond =
  | { kind: 'and'; left: Cond; right: Cond; span: TextSpan }
  | { kind: 'or'; left: Cond; right: Cond; span: TextSpan }
  | { kind: 'not'; operand: Cond; span: TextSpan }
  | { kind: 'group'; inner: Cond; span: TextSpan }
  | { kind: 'const'; value: boolean; span: TextSpan }
  | { kind: 'equals'; field: string; value: string; span: TextSpan; valueSpan: TextSpan }
  | { kind: 'matches'; field: string; regex: string; icase: boolean; span: TextSpan; regexSpan: TextSpan }
  | { kind: 'contains'; field: string; span: TextSpan }
  | { kind: 'istrue'; field: string; span: TextSpan }
  | { kind: 'isfalse'; field: string; span: TextSpan }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand; span: TextSpan };

export type CompareOp = '<' | '<=' | '>' | '>=';

/** Leaf kinds: the tests that read one message field. */
export type Leaf = Extract<Cond, { kind: 'equals' | 'matches' | 'contains' | 'istrue' | 'isfalse' | 'compare' }>;

/** isLeaf tells whether a node is a test of message fields. */
export function isLeaf(c: Cond): c is Leaf {
  return (
    c.kind === 'equals' ||
    c.kind === 'matches' ||
    c.kind === 'contains' ||
    c.kind === 'istrue' ||
    c.kind === 'isfalse' ||
    c.kind === 'compare'
  );
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
    case 'const':
      break;
    case 'compare':
      if (c.left.kind === 'field') out.add(c.left.name);
      if (c.right.kind === 'field') out.add(c.right.name);
      break;
    default:
      out.add(c.field);
  }
  return out;
}
