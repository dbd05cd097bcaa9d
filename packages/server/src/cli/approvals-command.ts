// `arc approvals list|approve <id>|deny <id>`: the approval queue of a running server, through its
// HTTP API with an admin key (a decision is recorded in the audit log under that key's name).

import { type Command, Option } from 'commander';
import type { Static } from 'typebox';
import type { ApprovalSchema } from '../schemas/approval-schemas.js';
import type { DeploymentSchema } from '../schemas/deployment-schemas.js';
import { parseIntegerOption } from './cli-options.js';
import {
  callServer,
  failCommand,
  printListing,
  type ServerOptions,
  withServerOptions,
} from './server-client.js';
import { terminalText } from './terminal-text.js';

type ApprovalView = Static<typeof ApprovalSchema>;
type DeploymentView = Static<typeof DeploymentSchema>;

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
/** A person's proposal was never judged by rollouts: its figures are not measurements. */
const measured = (a: ApprovalView, figure: string) =>
  a.result.source === 'person' ? 'not measured' : figure;

export function registerApprovalsCommand(program: Command): void {
  const approvals = program
    .command('approvals')
    .description('List, approve and deny learned fixes waiting for a person (on a running server)');

  withServerOptions(approvals.command('list'))
    .description('List approval requests, newest first')
    .addOption(new Option('--status <status>', 'only these').choices(['pending', 'approved', 'denied']))
    .option('--limit <n>', 'how many (1-500)', parseIntegerOption(1, 500), 50)
    .action(async (options: ServerOptions & { status?: string; limit: number }) => {
      try {
        const query = new URLSearchParams({ limit: String(options.limit) });
        if (options.status !== undefined) query.set('status', options.status);
        const { approvals: rows } = await callServer<{ approvals: ApprovalView[] }>(
          options,
          'GET',
          `/v1/approvals?${query}`,
        );
        printListing(
          options.json,
          rows,
          'No approval requests.',
          [
            'ID',
            'STATUS',
            'FUNCTION',
            'FIX',
            'RISK',
            'CONFIDENCE',
            'IMPROVEMENT',
            'SEVERITY',
            'CREATED',
            'DECIDED BY',
            'PROPOSED BY',
          ],
          (a) => [
            a.id,
            a.status,
            a.result.function,
            String(a.result.fix.type),
            a.result.risk,
            measured(a, percent(a.result.confidence)),
            measured(a, `${a.result.improvement >= 0 ? '+' : ''}${percent(a.result.improvement)}`),
            String(a.impact.severity ?? '-'),
            a.createdAt,
            a.decidedBy ?? '-',
            a.result.proposedBy ?? 'arc',
          ],
        );
      } catch (error) {
        failCommand('approvals list', error);
      }
    });

  for (const [verb, past] of [
    ['approve', 'Approved'],
    ['deny', 'Denied'],
  ] as const) {
    withServerOptions(approvals.command(verb))
      .description(
        verb === 'approve' ? 'Approve: the fix deploys as a canary' : 'Deny: the fix is not deployed',
      )
      .argument('<id>', 'approval id, as shown by `arc approvals list`')
      .option('--comment <text>', 'kept in the audit log')
      .action(async (id: string, options: ServerOptions & { comment?: string }) => {
        try {
          const answer = await callServer<{ approval: ApprovalView; deployment: DeploymentView | null }>(
            options,
            'POST',
            `/v1/approvals/${encodeURIComponent(id)}/${verb}`,
            options.comment !== undefined ? { comment: options.comment } : {},
          );
          if (options.json) {
            process.stdout.write(`${JSON.stringify(answer)}\n`);
            return;
          }
          const { deployment } = answer;
          process.stdout.write(
            `${past} ${terminalText(id)} (${terminalText(`${String(answer.approval.result.fix.type)} for ${answer.approval.result.function}`)}).\n` +
              (deployment === null
                ? ''
                : `Deployed as canary ${deployment.id} to ${percent(deployment.canaryShare)} of calls.\n`),
          );
        } catch (error) {
          failCommand(`approvals ${verb}`, error);
        }
      });
  }
}
