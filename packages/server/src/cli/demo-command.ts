// `arc demo`: the demo agent learning with Arc (issue 7). The demo lives in @arc-agent/examples,
// which depends on this package; it is imported when the command runs, so the server has no
// static dependency on it (and builds without it).

import { CURRICULA, DEFAULT_LEARNER_CONFIG } from '@arc-agent/core';
import { type Command, Option } from 'commander';
import { parseIntegerOption } from './cli-options.js';

/** What this command uses of @arc-agent/examples. */
interface DemoModule {
  runDemo(input: Record<string, unknown>): Promise<unknown>;
  demoExitCode(error: unknown): number;
}

const EXAMPLES_PACKAGE = '@arc-agent/examples';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Run a real local agent (SmolLM2 on BFCL tasks) with Arc learning from its failures, and the dashboard',
    )
    .option(
      '--quick',
      'a short run: 20 held-out tasks, 64 learning-pool tasks, 3 steps (about 7 minutes on 2 idle cores)',
    )
    .option('--seed <n>', 'seed of the task split and the learner', parseIntegerOption(0, 2 ** 31))
    .option('--tasks <n>', 'held-out tasks scored before and after', parseIntegerOption(1, 10_000))
    .option(
      '--learning-tasks <n>',
      'learning-pool tasks served as production calls',
      parseIntegerOption(1, 10_000),
    )
    .option('--steps <n>', 'learning steps', parseIntegerOption(1, 1_000))
    .option('--batch-size <n>', 'B: patterns drawn per step', parseIntegerOption(1, 1_000))
    .option('--group-size <n>', 'G: rollouts per problem', parseIntegerOption(1, 64))
    .addOption(
      new Option('--curriculum <kind>', 'how patterns are drawn for practice')
        .choices([...CURRICULA])
        .default(DEFAULT_LEARNER_CONFIG.curriculum),
    )
    .option('--model <file.gguf>', 'a local GGUF model instead of the fetched SmolLM2-135M-Instruct')
    .option(
      '--llm-base-url <url>',
      'an OpenAI-compatible endpoint instead of the local model (OPENAI_API_KEY)',
    )
    .option('--llm-model <name>', 'the model to ask at --llm-base-url')
    .option('--db <file>', 'SQLite file for Arc (default: a temporary one); an existing one needs --resume')
    .option('--resume', 'go on with the Arc state in the existing --db file')
    .option('--port <n>', 'port of the dashboard (default: a free one)', parseIntegerOption(0, 65_535))
    .option('--report <file>', 'write the result as JSON')
    .action(async (opts: Record<string, unknown>) => {
      const demo = (await import(EXAMPLES_PACKAGE)) as DemoModule;
      try {
        await demo.runDemo({
          ...opts,
          ...(process.env.OPENAI_API_KEY ? { apiKey: process.env.OPENAI_API_KEY } : {}),
        });
      } catch (error) {
        process.stderr.write(`arc demo: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = demo.demoExitCode(error);
      }
    });
}
