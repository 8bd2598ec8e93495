// stdin for the stdio transport, one line (one JSON-RPC message) at most `maxLine` bytes long. The
// SDK's reader, given a longer line, closes the transport without a word, and the server used to exit
// 0 with nothing on stderr. This stream stops at the first line over the limit and says so through
// `onTooLong`, so that the server can explain and exit non-zero. It hands the reader one piece per
// line end, so the reader's buffer never holds more than the line in progress.
import { Transform, type TransformCallback } from 'node:stream';

/** The longest message line read over stdio: the SDK's own read buffer default. */
export const MAX_STDIO_LINE_BYTES = 10 * 1024 * 1024;

/**
 * `beforeEnd`, when given, runs once the input has ended and before the stream ends: the server uses it
 * to answer the requests already read (SDK v2's stdio transport closes at end of input and drops what
 * is still in flight; a client may close stdin right after its last request and still want the answer).
 */
export function limitLineLength(maxLine: number, onTooLong: (bytesSoFar: number) => void, beforeEnd?: () => Promise<void>): Transform {
  let current = 0; // bytes of the line in progress
  let stopped = false;
  return new Transform({
    flush(done: TransformCallback) {
      if (!beforeEnd) return done();
      beforeEnd().then(() => done(), () => done());
    },
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (stopped) return done();
      let start = 0;
      for (;;) {
        const end = chunk.indexOf(10, start); // '\n'
        const piece = end === -1 ? chunk.length - start : end - start;
        if (current + piece > maxLine) {
          stopped = true;
          onTooLong(current + piece);
          return done();
        }
        if (end === -1) {
          current += piece;
          if (piece > 0) this.push(chunk.subarray(start));
          return done();
        }
        this.push(chunk.subarray(start, end + 1));
        current = 0;
        start = end + 1;
      }
    },
  });
}
