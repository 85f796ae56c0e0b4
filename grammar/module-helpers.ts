import { ge, gt, le, lt } from './kinds/compare.js';
import { own } from './kinds/kind.js';
import { like } from './kinds/matches.js';
import { commaParts, fieldText, isFalse, isTrue, num, str, trueText, truthy } from './perl-values.js';

/*
 * The functions emitted modules call by name, in the one module they import
 * them from ("wubot/helpers"; the module cache imports this file of the
 * build that compiled it): Perl values, a field's text, and the helpers of
 * the kinds of test (a test checks that every kind's are here).
 */

const hasOwn = Object.hasOwn;

/** HELPERS are the functions by the names emitted code calls them. */
export const HELPERS = { truthy, str, num, isTrue, isFalse, hasOwn, own, txt: trueText, ftxt: fieldText, commaParts, like, lt, le, gt, ge };
