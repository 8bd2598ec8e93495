// Text as listMissions compares it (src/mission/text.ts): the case folding equals Unicode full case
// folding on every code point, the search equals "fold both, then includes" on any text, and the
// order equals code-point order. The references here are the package's own caseFold and code points
// read with Array.from; the store contract (test/store-contract.test.ts) checks the stores against
// its own fold.
import fc from 'fast-check';
import { caseFold } from 'unicode-case-folding';
import { describe, expect, it } from 'vitest';
import { compareCodePoints, foldCase, foldedSearch } from '../src/mission/text.js';
import { replayOnFailure, seedFor } from './random.js';

/** fast-check's settings for a property: its draws from the run's seed (TEST_SEED), printed if it fails. */
function drawn(label: string, numRuns: number) {
  replayOnFailure();
  return { seed: seedFor(label), numRuns };
}

describe('foldCase', () => {
  it('is Unicode full case folding on every code point', () => {
    const wrong: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp === 0xd800) cp = 0xe000;
      const c = String.fromCodePoint(cp);
      if (foldCase(c) !== caseFold(c)) wrong.push(`U+${cp.toString(16).toUpperCase()}: ${JSON.stringify(foldCase(c))}, not ${JSON.stringify(caseFold(c))}`);
    }
    expect(wrong).toEqual([]);
  });

  it('folds the characters people meet', () => {
    expect(foldCase('Straße STRASSE ẞ')).toBe('strasse strasse ss');
    expect(foldCase('ſtar')).toBe('star');
    expect(foldCase('İstanbul')).toBe('i\u0307stanbul');
    expect(foldCase('ΟΔΟΣ οδος')).toBe('οδοσ οδοσ'); // no final ς, whatever lower case does at a word's end
    expect(foldCase('\u212A \u2126 \uFB01')).toBe('k ω fi');
    expect(foldCase('😀 \uFF01 漢字')).toBe('😀 \uFF01 漢字');
  });

  it('is a string\'s characters folded one by one, for any string', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => foldCase(s) === caseFold(s)), drawn('fold of any string', 2000));
  });
});

/** Texts drawn from characters where folding is not lower case, with ASCII around them. */
const TRICKY = [
  'a', 'S', 's', 't', 'k', 'I', 'i', ' ', '\n', '–', 'ﬅ', 'ß', 'ẞ', 'ſ', 'İ', 'ı', '\u0307', 'Σ', 'σ', 'ς', '\u212A', 'é', 'É', '😀', '\uFF01', 'ﬁ', 'f',
  'α', 'ι', 'Ι', '\u0345', 'ᾳ', 'ᾼ', 'ΐ', '\u0308', '\u0301', 'ե', 'ւ', 'և',
];
const tricky = (maxLength: number) => fc.array(fc.constantFrom(...TRICKY), { maxLength }).map((cs) => cs.join(''));

describe('foldedSearch', () => {
  it('finds exactly what folding both and includes finds', () => {
    const bothWays = (query: string, text: string) => foldedSearch(query)(text) === caseFold(text).includes(caseFold(query));
    fc.assert(fc.property(tricky(4).filter((q) => q.length > 0), tricky(12), bothWays), drawn('search tricky text', 20_000));
    fc.assert(fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 30 }), bothWays), drawn('search any text', 5000));
  });

  it('finds exactly what folding both and includes finds, for every cased character against its case forms', () => {
    const wrong: string[] = [];
    for (let cp = 0; cp < 0x20000; cp++) {
      if (cp === 0xd800) cp = 0xe000;
      const c = String.fromCodePoint(cp);
      if (c.toLowerCase() === c && c.toUpperCase() === c && caseFold(c) === c) continue;
      const forms = [...new Set([c, caseFold(c), c.toUpperCase(), c.toLowerCase()])];
      const queries = [...forms, Array.from(caseFold(c))[0]!, Array.from(caseFold(c)).at(-1)!];
      const texts = [...forms, ...forms.map((f) => `x${f}y`)];
      for (const query of queries) {
        const search = foldedSearch(query);
        for (const text of texts) if (search(text) !== caseFold(text).includes(caseFold(query))) wrong.push(`${JSON.stringify(query)} in ${JSON.stringify(text)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('matches across the ASCII and the folded forms, and treats the query as text, not a pattern', () => {
    expect(foldedSearch('ss')('Straße')).toBe(true);
    expect(foldedSearch('ß')('STRASSE')).toBe(true);
    expect(foldedSearch('S')('ſ')).toBe(true);
    expect(foldedSearch('k')('\u212A')).toBe(true);
    expect(foldedSearch('i')('İ')).toBe(true); // İ folds to i + U+0307
    expect(foldedSearch('İ')('i')).toBe(false);
    expect(foldedSearch('a.c')('abc')).toBe(false);
    expect(foldedSearch('(x')('a (X) b')).toBe(true);
  });
});

/** Code-point order, read the slow and obvious way. */
function byCodePoints(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return Math.sign(x[i]! - y[i]!);
  return Math.sign(x.length - y.length);
}

describe('compareCodePoints', () => {
  it('orders by code point, not by UTF-16 code unit', () => {
    expect(compareCodePoints('\uFF01', '😀')).toBe(-1);
    expect(compareCodePoints('\uFFFD', '\u{10000}')).toBe(-1);
    expect('\uFF01' < '😀').toBe(false); // what `<` says instead
    expect(compareCodePoints('😀', '😁')).toBe(-1);
    expect(compareCodePoints('ab', 'a')).toBe(1);
    expect(compareCodePoints('a', 'a')).toBe(0);
  });

  it('agrees with code points on any two well-formed strings', () => {
    const near = fc.constantFrom('a', 'z', '\u00e9', '\ud7ff', '\ue000', '\uFF01', '\uffff', '\u{10000}', '😀', '😁', '\u{10ffff}');
    const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.array(near, { maxLength: 4 }).map((cs) => cs.join('')));
    fc.assert(fc.property(text, text, (a, b) => compareCodePoints(a, b) === byCodePoints(a, b)), drawn('code-point order', 20_000));
  });
});
