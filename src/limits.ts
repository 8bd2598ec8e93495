// The bounds one caller may reach (issue 9): how large one stored mission may be, how many missions one
// owner may keep, how large one answer may be. They come from the configuration (src/config.ts) and
// reach the tools through ToolDeps; nothing reads them from a global.
export interface Limits {
  /** Largest stored mission, in bytes of its JSON (`--max-mission-bytes`). */
  maxMissionBytes: number;
  /** Missions one token principal (user and org) may keep, archived ones included (`--max-missions-per-owner`). */
  maxMissionsPerOwner: number;
  /** Largest answer of a list or get, in bytes of its JSON text (`--max-answer-bytes`). */
  maxAnswerBytes: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxMissionBytes: 256 * 1024,
  maxMissionsPerOwner: 10_000,
  maxAnswerBytes: 1024 * 1024,
});

/** 262144 → "256 KB", 1048576 → "1 MB", 1000 → "1,000 bytes". */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KB`;
  return `${n.toLocaleString('en-US')} bytes`;
}
