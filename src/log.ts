// Log lines for humans, on stderr. User text in a log line (a mission's title, a spaceId, a folder): one line per event is the log's
// promise, so a title holding a newline must not forge a second line, and an escape sequence must not
// repaint the operator's terminal. Control characters (C0, DEL, C1), the Unicode line and paragraph
// separators and the bidirectional overrides are written as \n, \u001b and the like; the rest is kept.

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function logText(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A line for humans (one event, one line). */
export type Logger = (message: string) => void;

/** The one way a line reaches a log: "<prefix>: <message>", control characters escaped, one newline. */
export const lineLogger =
  (write: (text: string) => void, prefix = 'missions-mcp'): Logger =>
  (message) =>
    write(`${prefix}: ${logText(message)}\n`);

/** lineLogger to this process's stderr (stdout belongs to the protocol). */
export const stderrLogger = (prefix = 'missions-mcp'): Logger => lineLogger((text) => process.stderr.write(text), prefix);
