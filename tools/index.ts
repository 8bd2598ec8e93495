// The one list of every tool. src/cli.ts picks from it for the server it starts (stdio or HTTP); the contract tests read it.
import type { AnyTool } from '../src/tool.js';
import { createMission } from './create-mission.js';
import { decideRun } from './decide-run.js';
import { reportProgress } from './report-progress.js';
import { deleteMission } from './delete-mission.js';
import { getMission } from './get-mission.js';
import { getRun } from './get-run.js';
import { listRuns } from './list-runs.js';
import { runMission } from './run-mission.js';
import { listMissions } from './list-missions.js';
import { pauseMission } from './pause-mission.js';
import { resumeMission } from './resume-mission.js';
import { updateMission } from './update-mission.js';

export const allTools: readonly AnyTool[] = [
  createMission,
  getMission,
  listMissions,
  updateMission,
  deleteMission,
  pauseMission,
  resumeMission,
  runMission,
  listRuns,
  getRun,
  decideRun,
  reportProgress,
];

/** The tools a server offers: with readOnly, only those whose annotations say they change nothing. */
export function selectTools(options: { readOnly?: boolean } = {}): AnyTool[] {
  return allTools.filter((t) => !options.readOnly || t.annotations.readOnlyHint);
}
