// Who is calling over HTTP (SPEC §9): bearer tokens from MISSIONS_TOKEN or an auth file, each mapped to
// a user and an org. Tokens are kept only as SHA-256 digests and compared digest to digest in constant
// time; no token, and no digest, is ever logged or put in an error message.
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { DEFAULT_TOKEN_USER, RESERVED_USERS_TEXT, isReservedUser, tokenPrincipal, type Identity } from '../mission/access.js';

export class AuthConfigError extends Error {}

interface Entry {
  digest: Buffer;
  identity: Identity;
}

export interface Authenticator {
  /** False when no token is configured: every request acts as the local user (loopback only). */
  readonly required: boolean;
  readonly count: number;
  /** The identity of a request, or null when its token is missing or wrong. */
  identify(req: IncomingMessage): Identity | null;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

const AuthFile = z
  .object({
    tokens: z.array(
      z
        .object({
          token: z.string().min(1, 'token must not be empty').optional(),
          sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex digits (the SHA-256 of the token)').optional(),
          user: z
            .string()
            .trim()
            .min(1, 'user must not be empty')
            .refine((u) => !isReservedUser(u), {
              error: (issue) =>
                `user "${String(issue.input)}" is reserved (${RESERVED_USERS_TEXT} name the local user and MISSIONS_TOKEN's user, in any case); give this entry another name`,
            }),
          org: z.string().trim().min(1, 'org must be null or a non-empty string').nullable().default(null),
        })
        .strict()
        .refine((e) => (e.token === undefined) !== (e.sha256 === undefined), 'give exactly one of "token" or "sha256"'),
    ),
  })
  .strict();

/** `tokens[3].user`: where an issue is, as a person reads a JSON path. */
const entryPath = (path: readonly PropertyKey[]) =>
  path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');

/** Reads and checks an auth file; throws AuthConfigError with the file and the faulty entry, never a token. */
export function readAuthFile(path: string, warn: (message: string) => void = () => undefined): Entry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuthConfigError(`cannot read the auth file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AuthConfigError(`the auth file ${path} is not valid JSON; expected { "tokens": [ { "token": "…", "user": "alice", "org": "acme" } ] }`);
  }
  const parsed = AuthFile.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new AuthConfigError(`the auth file ${path} is invalid at ${entryPath(first.path) || 'the top level'}: ${first.message}`);
  }
  if (parsed.data.tokens.length === 0) {
    throw new AuthConfigError(`the auth file ${path} lists no tokens; add at least one, or leave --auth-file unset to serve the local user on loopback`);
  }
  parsed.data.tokens.forEach((e, i) => {
    if (e.token !== undefined && e.token.length < 16) warn(`tokens[${i}] in ${path} is shorter than 16 characters; use a long random one (openssl rand -hex 32)`);
  });
  const entries = parsed.data.tokens.map((e) => ({
    digest: e.token !== undefined ? sha256(e.token) : Buffer.from(e.sha256!, 'hex'),
    identity: tokenPrincipal(e.user, e.org),
  }));
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const key = e.digest.toString('hex');
    if (seen.has(key)) throw new AuthConfigError(`the auth file ${path} gives the same token twice (tokens[${i}])`);
    seen.add(key);
  });
  try {
    const mode = statSync(path).mode;
    if (process.platform !== 'win32' && parsed.data.tokens.some((e) => e.token !== undefined) && (mode & 0o077) !== 0) {
      warn(`the auth file ${path} holds plain tokens and can be read by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it, or store "sha256" instead of "token"`);
    }
  } catch {
    // read above; a stat failure here changes nothing
  }
  return entries;
}

export function createAuthenticator(options: { token?: string; authFile?: string; warn?: (message: string) => void }): Authenticator {
  const entries: Entry[] = [];
  if (options.token !== undefined && options.token !== '' && options.token.length < 16) {
    options.warn?.('MISSIONS_TOKEN is shorter than 16 characters; use a long random one (openssl rand -hex 32)');
  }
  if (options.token !== undefined && options.token !== '') entries.push({ digest: sha256(options.token), identity: tokenPrincipal(DEFAULT_TOKEN_USER, null) });
  if (options.authFile !== undefined && options.authFile !== '') {
    for (const e of readAuthFile(options.authFile, options.warn)) {
      if (entries.some((x) => x.digest.equals(e.digest))) throw new AuthConfigError(`the auth file ${options.authFile} repeats MISSIONS_TOKEN`);
      entries.push(e);
    }
  }
  return {
    required: entries.length > 0,
    count: entries.length,
    identify(req) {
      const header = req.headers.authorization;
      const match = typeof header === 'string' ? /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
      if (!match) return null;
      const presented = sha256(match[1]!);
      // Every entry is compared, so the time taken does not depend on which one matched.
      let found: Identity | null = null;
      for (const e of entries) if (timingSafeEqual(presented, e.digest)) found = e.identity;
      return found;
    },
  };
}
