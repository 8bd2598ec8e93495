import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random letters and digits (rejection sampling keeps them uniform). */
export function randomToken(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** `msn_` + 20 random letters/digits (119 bits): never reused in practice, and checked on create. */
export const newMissionId = (): string => `msn_${randomToken(20)}`;
export const newRunId = (): string => `run_${randomToken(20)}`;
export const newImportId = (): string => `imp_${randomToken(16)}`;
