// The one error type of the product (SPEC §7). Handlers throw MissionError; the dispatcher turns it
// into an `isError` result. Anything else thrown is a bug and becomes `internal`.
export type ErrorCode = 'invalid_request' | 'not_found' | 'conflict' | 'forbidden' | 'store_error' | 'internal';

export interface Issue {
  path: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  param?: string;
  issues?: Issue[];
}

export class MissionError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly issues: Issue[] | undefined;

  constructor(code: ErrorCode, message: string, options: { param?: string; issues?: Issue[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'MissionError';
    this.code = code;
    this.param = options.param;
    this.issues = options.issues;
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.param !== undefined) body.param = this.param;
    if (this.issues !== undefined) body.issues = this.issues;
    return body;
  }
}

/**
 * A path as SPEC §7 writes it: dotted keys and array indexes (`plan.kpis.0.metric`, `status.1`). A key that is empty or holds `.`, `[`, `]` or `"` is written
 * `["…"]` (JSON-quoted), so that no path can be mistaken for another or for the whole input.
 */
export function dottedPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    const key = String(part);
    if (key === '' || /[.[\]"]/.test(key)) out += `[${JSON.stringify(key)}]`;
    else out += out === '' ? key : `.${key}`;
  }
  return out;
}

export function invalidRequest(issues: Issue[], what = 'the arguments'): MissionError {
  const list = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  return new MissionError('invalid_request', `Invalid ${what} (${count}): ${list}. Fix the fields listed in "issues" and call again.`, {
    param: issues[0]?.path,
    issues,
  });
}

export function invalidField(path: string, message: string): MissionError {
  return invalidRequest([{ path, message }]);
}

export function notFound(id: string): MissionError {
  return new MissionError(
    'not_found',
    `Mission not found: no mission "${id}" exists for you. Call listMissions to find the right id.`,
    { param: 'id' },
  );
}

export function forbidden(id: string): MissionError {
  return new MissionError(
    'forbidden',
    `Access denied to this mission: you can see "${id}" but only its owner (or the owner's organization, for organization and public missions) may change it.`,
    { param: 'id' },
  );
}
