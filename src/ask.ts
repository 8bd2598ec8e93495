// Asking the person at the client (SPEC §15: approvals), the same way on both protocol eras. A tool
// handler reads `deps.ask?.answer(key)`; when there is no answer yet and `deps.ask?.canAsk`, it calls
// `askPerson({ key: question })`, which ends this attempt. The server then asks:
// - 2026-07-28: an input-required result (`inputRequired.elicit`, SDK v2, src/modern/server.ts); the
//   client asks the person and sends the same tools/call again with the answers;
// - 2025 over stdio: SDK v2's legacy shim turns that same result into `elicitation/create`;
// - 2025 HTTP sessions and SSE: src/server.ts sends `elicitation/create` itself (SDK v1's elicitInput).
// In every case the handler is then called again, from the start, with the answers: so it must ask
// before it changes anything (a failed or unanswered call changes nothing, SPEC §7), and each round
// asks again only what is still unanswered. Answers come from the client, as elicitation results always
// do; a handler that needs more than the person's word must check what it is told.
// This module knows nothing of either SDK: the servers map it.

/** One form question (MCP elicitation, form mode): a message and a flat object schema of primitives. */
export interface Question {
  message: string;
  requestedSchema: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[] };
}

export interface Answer {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

export interface Asking {
  /** True when this client declared it can be asked (elicitation). Never ask otherwise. */
  readonly canAsk: boolean;
  /** The person's answer to the question asked under `key` in an earlier round, if any. */
  answer(key: string): Answer | undefined;
}

/** Thrown by askPerson: the servers catch it and ask. Anything else that sees it treats it as a bug. */
export class PersonAsked extends Error {
  constructor(readonly questions: Readonly<Record<string, Question>>) {
    super(`a tool asked the person (${Object.keys(questions).join(', ')}) where it cannot be asked`);
    this.name = 'PersonAsked';
  }
}

/** Ends this attempt of the tool call: the server asks `questions` (keyed) and calls the tool again. */
export function askPerson(questions: Record<string, Question>): never {
  if (Object.keys(questions).length === 0) throw new TypeError('askPerson needs at least one question');
  throw new PersonAsked(questions);
}

/** An Asking over the answers collected so far. */
export function askingWith(canAsk: boolean, answers: Readonly<Record<string, Answer>>): Asking {
  return { canAsk, answer: (key) => answers[key] };
}

/** How many times one tool call may ask before it is answered as an error (SDK v2's shim allows 8). */
export const MAX_ASK_ROUNDS = 8;
/** How long one question waits for the person (2025 sessions): human-paced, as SDK v2's shim. */
export const ASK_TIMEOUT_MS = 600_000;
