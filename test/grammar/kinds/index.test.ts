import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { truth } from '../../../compiler/loops/abstract-message.js';
import { fold } from '../../../compiler/optimize/fold.js';
import { children, type Cond } from '../../../grammar/ast.js';
import { parseCondition } from '../../../grammar/condition-parser.js';
import { KINDS } from '../../../grammar/kinds/index.js';
import { unparse } from '../../../grammar/unparse.js';
import { evaluate } from '../../../runtime/evaluate.js';
import { translatePerlRegex } from '../../../grammar/perl-regex.js';
import { cond, factsOf, fields, message } from '../../arbitraries.js';

/*
 * What a condition means, defined once per kind of test (grammar/kinds/) and
 * read several ways: the evaluator, the folder, the printer and the loop
 * check's three-valued model must agree. The model may say `maybe`; where
 * it says true or false, the evaluator must say the same. (Trees, and the
 * emitted code, are checked in differential.test.ts.)
 */

function regexesTranslate(c: Cond): boolean {
  return c.kind === 'matches' ? translatePerlRegex(c.regex, { icase: c.icase }).ok : children(c).every(regexesTranslate);
}

describe('the kinds of test', () => {
  it('each kind reads back what it prints', () => {
    const read = new Set<string>();
    for (const text of ['a equals b c', 'x.y matches ^a( b', 'f imatches x', 'contains z', 'n is true', 'n is false', 'n <= 3.5', '2 > m']) {
      const ast = parseCondition(text).ast!;
      read.add(ast.kind);
      assert.equal(unparse(ast), text);
    }
    assert.deepEqual([...read], KINDS.map((k) => k.kind), 'one text of each kind, in their order');
  });

  it('match only texts that hold one of their keywords (classify looks for those first)', () => {
    // texts made of the patterns' own pieces, so that near misses and matches both come often
    const piece = fc.constantFrom('a', 'x.y', 'é', '_1', ' ', '  ', '\t', 'equals', 'matches', 'imatches', 'contains', 'is', 'true', 'false', '<', '<=', '>', '>=', '=', '3.5', '^a(', '\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('');
        for (const k of KINDS) if (k.pattern.test(text)) assert.ok(k.keywords.some((w) => text.includes(w)), `${k.kind} matched ${JSON.stringify(text)} without its keywords`);
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('a condition means one thing', () => {
  it('to the evaluator, the folder, the printer and the three-valued model, on random conditions and messages', () => {
    const seen = { decided: 0, maybe: 0 };
    fc.assert(
      fc.property(cond, message, fc.subarray(fields), (text, m, known) => {
        const ast = parseCondition(text).ast;
        // a regex that does not translate is an error the compiler reports; such a condition never runs
        fc.pre(ast !== undefined && regexesTranslate(ast));
        const value = evaluate(ast, m);
        assert.equal(evaluate(fold(ast), m), value, 'folded');
        const again = parseCondition(unparse(ast)).ast!;
        assert.equal(evaluate(again, m), value, `unparsed as ${unparse(ast)}`);
        assert.equal(truth(ast, factsOf(m, fields)), value ? 'true' : 'false', 'with every field known');
        const partial = truth(ast, factsOf(m, known));
        if (partial === 'maybe') seen.maybe++;
        else {
          seen.decided++;
          assert.equal(partial, value ? 'true' : 'false', `with only ${known.join(', ')} known`);
        }
      }),
      { numRuns: 3000 },
    );
    assert.ok(seen.decided >= 300 && seen.maybe >= 300, `decided ${seen.decided}, maybe ${seen.maybe}`);
  });
});
