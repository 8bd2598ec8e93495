import { randomFillSync } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random bytes drawn 4 KB at a time: each call into the CSPRNG costs about 10 µs, however few it returns. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomByte(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++]!;
}

/** `length` random letters and digits (rejection sampling keeps them uniform). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

/** `msn_` + 20 random letters/digits (119 bits): never reused in practice, and checked on create. */
export const newMissionId = (): string => `msn_${randomToken(20)}`;
export const newRunId = (): string => `run_${randomToken(20)}`;
export const newImportId = (): string => `imp_${randomToken(16)}`;
