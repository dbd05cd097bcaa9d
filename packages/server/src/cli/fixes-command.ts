// `arc fixes propose <patternId> --fix '<json>'`: a person's fix for a pattern, put up for approval
// on a running server through its HTTP API with an admin key (the proposal is recorded under that
// key's name). It is never auto-approved; `arc approvals approve <id>` deploys it as a canary.

import { type Command, InvalidArgumentError } from 'commander';
import type { Static } from 'typebox';
import type { ApprovalSchema } from '../schemas/approval-schemas.js';
import { callServer, failCommand, type ServerOptions, withServerOptions } from './server-client.js';
import { terminalText } from './terminal-text.js';

type ApprovalView = Static<typeof ApprovalSchema>;

function parseJsonOption(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`not JSON (${(error as Error).message})`);
  }
}

export function registerFixesCommand(program: Command): void {
  const fixes = program.command('fixes').description('Propose fixes for patterns (on a running server)');

  withServerOptions(fixes.command('propose'))
    .description('Propose a fix for a pattern: it waits for a person to approve it, whatever its risk')
    .argument('<patternId>', 'the pattern it fixes, as GET /v1/patterns lists it')
    .requiredOption(
      '--fix <json>',
      'the fix as JSON, e.g. \'{"type":"param_patch","params":{"maxTokens":256}}\'',
      parseJsonOption,
    )
    .option('--comment <text>', 'why: shown to approvers, kept in the audit log')
    .action(async (patternId: string, options: ServerOptions & { fix: unknown; comment?: string }) => {
      try {
        const approval = await callServer<ApprovalView>(
          options,
          'POST',
          `/v1/patterns/${encodeURIComponent(patternId)}/fixes`,
          { fix: options.fix, ...(options.comment !== undefined ? { comment: options.comment } : {}) },
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify(approval)}\n`);
          return;
        }
        const { result, impact } = approval;
        process.stdout.write(
          `Proposed ${terminalText(`${String(result.fix.type)} for ${result.function} (pattern ${result.patternId})`)}.\n` +
            `Approval ${approval.id} waits for a person: risk ${result.risk}, severity ` +
            `${String(impact.severity ?? '-')}, improvement not measured.\n` +
            `Approve it with: arc approvals approve ${approval.id}\n`,
        );
      } catch (error) {
        failCommand('fixes propose', error);
      }
    });
}
