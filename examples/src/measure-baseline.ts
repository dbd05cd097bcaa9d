// Measures the demo agent on real BFCL tasks with the real local model, without Arc: success by
// BFCL's checker, failures by type, and time per task, for the agent as it is and with the fixes
// Arc can learn (lower temperature, constrained decoding, a mined example, output repair).
// These numbers decide the demo's design (how much there is to learn, how long a step takes).
//
//   npx tsx examples/src/measure-baseline.ts [--tasks 40] [--seed 1] [--sequences 2] [--threads N]
//                                            [--model file.gguf] [--configs baseline-0.7,...]

import { parseArgs } from 'node:util';
import type { Fix } from '@arc-agent/core';
import { createBfclAgent } from './bfcl-agent.js';
import { type BfclTask, loadBfclTasks, splitByCategory } from './bfcl-tasks.js';
import { outcomeOf } from './demo/answer-tasks.js';
import { fetchBfclData, fetchModel } from './fetch-assets.js';
import { LocalLlm } from './local-llm.js';
import { CALLS_SCHEMA } from './tool-call-format.js';

const { values } = parseArgs({
  options: {
    tasks: { type: 'string', default: '40' },
    seed: { type: 'string', default: '1' },
    sequences: { type: 'string', default: '2' },
    threads: { type: 'string' },
    model: { type: 'string' },
    configs: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

/** The answer that solves `task` (each call with its first allowed values): a mined example's output. */
function solvedCalls(task: BfclTask): string {
  const calls = task.answer.map((call) => ({
    name: call.function,
    arguments: Object.fromEntries(
      Object.entries(call.params)
        .filter(([, allowed]) => allowed[0] !== '')
        .map(([param, allowed]) => [param, allowed[0]]),
    ),
  }));
  return JSON.stringify(calls);
}

async function main() {
  const tasks = await loadBfclTasks(await fetchBfclData({ log: console.log }));
  const { heldOut: sample, learning } = splitByCategory(tasks, {
    seed: Number(values.seed),
    heldOut: Number(values.tasks),
    learning: 40,
  });
  // An example from outside the sample, with scalar answers only, as few-shot mining would pick.
  const donor = learning.find(
    (t) =>
      t.category === 'simple' &&
      t.answer.every((call) => Object.values(call.params).every((a) => typeof a[0] !== 'object')),
  )!;
  const example: Fix = {
    type: 'few_shot',
    examples: [{ input: donor.question[0]!.content, output: solvedCalls(donor) }],
  };
  const responseFormat: Fix = {
    type: 'response_format',
    name: 'function_calls',
    schema: CALLS_SCHEMA,
    strict: true,
  };
  const configs: Record<string, { temperature: number; fixes: Fix[] }> = {
    'baseline-0.7': { temperature: 0.7, fixes: [] },
    'baseline-0': { temperature: 0, fixes: [] },
    'response_format-0.7': { temperature: 0.7, fixes: [responseFormat] },
    'response_format-0': { temperature: 0, fixes: [responseFormat] },
    'response_format+few_shot-0': { temperature: 0, fixes: [responseFormat, example] },
    'response_format+penalty-0': {
      temperature: 0,
      fixes: [responseFormat, { type: 'param_patch', params: { frequencyPenalty: 0.5 } }],
    },
    'few_shot-0.7': { temperature: 0.7, fixes: [example] },
    'few_shot+repair-0.7': {
      temperature: 0.7,
      fixes: [example, { type: 'output_repair', json: true, coerce: false }],
    },
  };
  const chosen = values.configs ? values.configs.split(',') : Object.keys(configs);

  const modelPath = values.model ?? (await fetchModel({ log: console.log }));
  const sequences = Number(values.sequences);
  const loadStart = performance.now();
  const llm = await LocalLlm.load({
    modelPath,
    sequences,
    threads: values.threads === undefined ? undefined : Number(values.threads),
  });
  console.log(
    `model ${llm.model} loaded in ${((performance.now() - loadStart) / 1000).toFixed(1)} s; ${sample.length} tasks, ${sequences} sequences`,
  );
  try {
    for (const name of chosen) {
      const config = configs[name];
      if (config === undefined)
        throw new Error(`unknown config ${name}; known: ${Object.keys(configs).join(', ')}`);
      const agent = createBfclAgent({
        llm,
        params: { temperature: config.temperature, maxTokens: 128, seed: 7 },
      });
      const failures = new Map<string, number>();
      const solvedBy = new Map<string, number>();
      let solved = 0;
      let next = 0;
      const started = performance.now();
      const worker = async () => {
        for (let i = next++; i < sample.length; i = next++) {
          const task = sample[i]!;
          const answer = await agent.answer(task, { fixes: config.fixes });
          const outcome = outcomeOf(task, answer);
          if (values.verbose)
            console.log(
              `  ${task.id} ${outcome.category ?? 'ok'} ${JSON.stringify(answer.output).slice(0, 160)}`,
            );
          if (outcome.solved) {
            solved++;
            solvedBy.set(task.category, (solvedBy.get(task.category) ?? 0) + 1);
          } else {
            const kind = `${task.category}/${outcome.category}`;
            failures.set(kind, (failures.get(kind) ?? 0) + 1);
          }
        }
      };
      await Promise.all(Array.from({ length: sequences }, worker));
      const seconds = (performance.now() - started) / 1000;
      const counts = [...failures].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
      console.log(
        `${name.padEnd(22)} success ${solved}/${sample.length} (${((100 * solved) / sample.length).toFixed(0)} %)  ` +
          `${(seconds / sample.length).toFixed(2)} s/task  solved by category: ${[...solvedBy].map(([c, n]) => `${c} ${n}`).join(', ')}\n  failures: ${counts.join(', ') || 'none'}`,
      );
    }
  } finally {
    await llm.close();
  }
}

await main();
