// Text as listMissions compares it, one rule for every store: one case folding (for the text query,
// the title sort key and platform names) and code-point order (for sort keys). PostgreSQL takes both
// from here: its search, title_key and platforms columns hold text folded by foldCase, and its
// COLLATE "C" compares UTF-8 bytes, which order as code points do.
import { lookupFolding } from 'unicode-case-folding';

const NON_ASCII = /[^\0-\x7f]/;

/**
 * Unicode full case folding (CaseFolding.txt, statuses C and F, without the Turkic T mappings), as
 * Unicode defines caseless matching: ſ → s, ß and ẞ → ss, İ → i + U+0307, ς → σ, the Kelvin sign → k.
 * Computed as the platform's lower case and then the few characters that lower case keeps but folding
 * changes (ß, ſ, ς, µ, ligatures, lower-case Cherokee, …; test/text.test.ts checks that this equals the
 * package's own caseFold on every code point). A string's fold is the folds of its characters.
 */
export function foldCase(text: string): string {
  const lower = text.toLowerCase();
  if (!NON_ASCII.test(lower)) return lower;
  const t = tables();
  return t.keptByLower.test(lower) ? lower.replace(t.keptByLowerAll, foldOne) : lower;
}

const foldOne = (c: string): string => String.fromCodePoint(...lookupFolding(c.codePointAt(0)!)!);

/** What the fold and the search need to know of the folding data, found on first use. */
interface Tables {
  /** The characters lower case leaves as they are but folding changes (about 180). */
  keptByLower: RegExp;
  keptByLowerAll: RegExp;
  /** The characters that fold to several code points (about 100), each with its fold: [ß, ss], [ﬁ, fi], [İ, i + U+0307], … */
  expanding: [char: string, folded: string][];
}

let cached: Tables | undefined;

/**
 * Cased letters exist only below U+20000 (the planes above hold ideographs, tags and private use), so
 * the search of the folding data stops there: about 10 ms once, instead of 150 (the test over every
 * code point would notice a folding above).
 */
function tables(): Tables {
  if (cached) return cached;
  const kept: string[] = [];
  const expanding: [string, string][] = [];
  for (let cp = 0x80; cp < 0x20000; cp++) {
    if (cp === 0xd800) cp = 0xe000; // surrogates are not characters
    const folded = lookupFolding(cp);
    if (folded === undefined) continue;
    const c = String.fromCodePoint(cp);
    if (c.toLowerCase() === c) kept.push(c);
    if (folded.length > 1) expanding.push([c, String.fromCodePoint(...folded)]);
  }
  // None is ASCII, so none needs escaping inside a character class.
  const keptClass = `[${kept.join('')}]`;
  cached = { keptByLower: new RegExp(keptClass, 'u'), keptByLowerAll: new RegExp(keptClass, 'gu'), expanding };
  return cached;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether part of a match of `query` (folded) can come from a character that folds to `folded`: the
 * match holds all of it, or it holds all of the match, or the match starts in it (an end of `folded`
 * begins the query) or ends in it (a start of `folded` ends the query).
 */
function mayTouch(folded: string, query: string): boolean {
  if (folded.includes(query) || query.includes(folded)) return true;
  const cps = Array.from(folded);
  for (let k = 1; k < cps.length; k++) {
    if (query.endsWith(cps.slice(0, k).join('')) || query.startsWith(cps.slice(k).join(''))) return true;
  }
  return false;
}

/**
 * Whether a text contains `query`, both case-folded: `foldCase(text).includes(foldCase(query))`, without
 * folding most texts (folding every text of a store for each search costs several times a scan, and
 * keeping folded copies costs memory: about 60 MB at 100,000 missions, issue 13).
 *
 * A case-insensitive regular expression with the u flag compares characters by Unicode's simple case
 * folding, which is the full folding on every character but the ~100 that fold to several code points
 * (ß → ss, ﬁ → fi, İ → i + U+0307, ΐ, ᾳ → αι, …). So one scan for the folded query finds every match
 * that does not touch such a character. A match that does would hold part of its fold (mayTouch: for
 * "digest" only ẗ, ﬅ and ﬆ can, for "mission" ß and ẞ), and only a text holding one of those is folded
 * and searched again. (The folded query holds none of them: a fold folds to itself.)
 */
export function foldedSearch(query: string): (text: string) => boolean {
  const q = foldCase(query);
  const re = new RegExp(escapeRegExp(q), 'iu');
  const touching = tables().expanding.filter(([, folded]) => mayTouch(folded, q)).map(([c]) => c);
  if (touching.length === 0) return (text) => re.test(text);
  // Whether a text holds one of them: a few includes() are quicker than a character class, and both
  // quicker than looking first for any character above Latin-1 (which cost 40 ms instead of 23 over
  // 100,000 missions that all failed to match "digest"; now 23, as before full folding).
  let holdsOne = (text: string) => touching.some((c) => text.includes(c));
  if (touching.length > 8) {
    const touchingClass = new RegExp(`[${touching.join('')}]`, 'u'); // none is ASCII: nothing to escape
    holdsOne = (text) => touchingClass.test(text);
  }
  return (text) => re.test(text) || (holdsOne(text) && foldCase(text).includes(q));
}

/** A UTF-16 code unit's rank in code-point order: a surrogate (half of a character above U+FFFF) ranks above U+E000–U+FFFF. */
const unitRank = (u: number): number => (u < 0xd800 ? u : u < 0xe000 ? u + 0x2000 : u - 0x800);

/**
 * Code-point order, which PostgreSQL's COLLATE "C" gives over UTF-8. JavaScript's `<` compares UTF-16
 * code units instead, which differs where one string has U+E000–U+FFFF (`！`, U+FFFD) and the other a
 * character above U+FFFF (emoji) at the first difference.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length < b.length ? -1 : 1;
  return unitRank(a.charCodeAt(i)) < unitRank(b.charCodeAt(i)) ? -1 : 1;
}
