// The stop signals every long-running command honours: the first SIGTERM or SIGINT.

/** Resolves on the first SIGTERM or SIGINT, and stops listening for them (a second one then ends the process). */
export function untilStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
      resolve(signal);
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
}
