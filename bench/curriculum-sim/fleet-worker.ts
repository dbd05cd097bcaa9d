// A worker thread of the curriculum bench: runs the fleet runs it is sent and posts each result.
import { parentPort } from 'node:worker_threads';
import { type CurriculumSpec, type FleetRunResult, type RunSettings, runFleet } from './fleet-run.js';
import { type FleetParams, MIXES, simulatedFleet } from './simulated-fleet.js';

export interface FleetTask {
  index: number;
  seed: number;
  mix: string;
  spec: CurriculumSpec;
  params: FleetParams;
  settings: RunSettings;
}

export interface FleetTaskResult {
  index: number;
  result: FleetRunResult;
}

parentPort!.on('message', (task: FleetTask | null) => {
  if (task === null) {
    parentPort!.close();
    return;
  }
  const mix = MIXES.find((m) => m.name === task.mix)!;
  const result = runFleet(simulatedFleet(task.seed, mix, task.params), task.spec, task.seed, task.settings);
  parentPort!.postMessage({ index: task.index, result } satisfies FleetTaskResult);
});
