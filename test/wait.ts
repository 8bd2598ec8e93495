// The one way tests wait for something to become true: a bounded poll that, when it gives up, says
// what it waited for and for how long. Never a bare sleep: a test proves that something did NOT
// happen by waiting for an event that must come after it (see docs/testing.md).

export interface WaitOptions {
  /** Give up after this long (default 30 s: far above what any wait here takes on a loaded machine). */
  timeoutMs?: number;
  /** Look again this often (default 25 ms). */
  everyMs?: number;
  /** More to say when giving up (the last state seen, a process's stderr). */
  detail?: () => string;
}

/**
 * Resolves with the first truthy value `probe` returns; throws "timed out after N s waiting for
 * <what>" once `timeoutMs` has passed. A probe that throws ends the wait with its error.
 */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const { timeoutMs = 30_000, everyMs = 25 } = options;
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() - started >= timeoutMs) {
      const more = options.detail?.();
      throw new Error(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}${more ? `\n${more}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** `promise`, or a rejection saying what was awaited once `timeoutMs` has passed (for events, not polls). */
export async function within<T>(what: string | (() => string), promise: Promise<T>, timeoutMs = 30_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${typeof what === 'string' ? what : what()}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
