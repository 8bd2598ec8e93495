// The one binary search (src/binary-search.ts) against a linear scan, over every sorted array of up to
// six items drawn from three values and every probe around them: exhaustive, so no case is left to luck.
import { describe, expect, it } from 'vitest';
import { lowerBound, partitionPoint } from '../src/binary-search.js';

/** Every non-decreasing array of length 0..maxLength over the values 0..values-1. */
function sortedArrays(maxLength: number, values: number): number[][] {
  const out: number[][] = [[]];
  let frontier: number[][] = [[]];
  for (let n = 1; n <= maxLength; n++) {
    frontier = frontier.flatMap((a) => Array.from({ length: values - (a.at(-1) ?? 0) }, (_, k) => [...a, (a.at(-1) ?? 0) + k]));
    out.push(...frontier);
  }
  return out;
}

const arrays = sortedArrays(6, 3);
const byValue = (a: number, b: number) => a - b;

describe('binary search', () => {
  it('enumerates the cases it claims (not vacuous)', () => {
    expect(arrays).toHaveLength(84); // C(n + 2, 2) arrays of length n, summed over n = 0..6
  });

  it('lowerBound: the first item at or after the probe, as a linear scan finds it', () => {
    for (const a of arrays) {
      for (let probe = -1; probe <= 3; probe++) {
        const linear = a.findIndex((x) => x >= probe);
        expect(lowerBound(a, probe, byValue), `${JSON.stringify(a)} probe ${probe}`).toBe(linear < 0 ? a.length : linear);
      }
    }
  });

  it('partitionPoint: the first index where the predicate turns false; the end when it never does', () => {
    for (const a of arrays) {
      for (let bound = -1; bound <= 3; bound++) {
        const linear = a.findIndex((x) => !(x <= bound));
        expect(partitionPoint(a.length, (i) => a[i]! <= bound), `${JSON.stringify(a)} x <= ${bound}`).toBe(linear < 0 ? a.length : linear);
      }
    }
    expect(partitionPoint(0, () => {
      throw new Error('an empty range asks nothing');
    })).toBe(0);
  });
});
