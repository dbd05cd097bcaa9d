// `arc deployments list|rollback <id>`: the fixes deployed by a running server, through its HTTP API
// with an admin key (a rollback is recorded in the audit log under that key's name).

import { type Command, Option } from 'commander';
import type { Static } from 'typebox';
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

type DeploymentView = Static<typeof DeploymentSchema>;

const rate = (c: DeploymentView['treatment']) => (c.trials === 0 ? '-' : `${c.failures}/${c.trials}`);

export function registerDeploymentsCommand(program: Command): void {
  const deployments = program
    .command('deployments')
    .description('List deployed fixes and roll them back (on a running server)');

  withServerOptions(deployments.command('list'))
    .description('List deployments, newest first, with their canary counts (failures/calls)')
    .addOption(
      new Option('--status <status>', 'only these').choices([
        'canary',
        'promoted',
        'rolled_back',
        'superseded',
      ]),
    )
    .option('--function <name>', 'only fixes of this function')
    .option('--limit <n>', 'how many (1-500)', parseIntegerOption(1, 500), 50)
    .action(async (options: ServerOptions & { status?: string; function?: string; limit: number }) => {
      try {
        const query = new URLSearchParams({ limit: String(options.limit) });
        if (options.status !== undefined) query.set('status', options.status);
        if (options.function !== undefined) query.set('function', options.function);
        const { deployments: rows } = await callServer<{ deployments: DeploymentView[] }>(
          options,
          'GET',
          `/v1/deployments?${query}`,
        );
        printListing(
          options.json,
          rows,
          'No deployments.',
          [
            'ID',
            'STATUS',
            'FUNCTION',
            'FIX',
            'VERSION',
            'SHARE',
            'TREATMENT',
            'CONTROL',
            'CREATED',
            'REASON',
          ],
          (d) => [
            d.id,
            d.status,
            d.function,
            `${String(d.fix.type)} ${d.fixId}`,
            String(d.version),
            d.status === 'promoted' ? '100%' : `${(d.canaryShare * 100).toFixed(0)}%`,
            rate(d.treatment),
            rate(d.control),
            d.createdAt,
            d.reason ?? '-',
          ],
        );
      } catch (error) {
        failCommand('deployments list', error);
      }
    });

  withServerOptions(deployments.command('rollback'))
    .description('Roll a deployment back: agents stop applying the fix at their next poll')
    .argument('<id>', 'deployment id, as shown by `arc deployments list`')
    .option('--reason <text>', 'kept in the audit log')
    .action(async (id: string, options: ServerOptions & { reason?: string }) => {
      try {
        const deployment = await callServer<DeploymentView>(
          options,
          'POST',
          `/v1/deployments/${encodeURIComponent(id)}/rollback`,
          options.reason !== undefined ? { reason: options.reason } : {},
        );
        process.stdout.write(
          options.json
            ? `${JSON.stringify(deployment)}\n`
            : `Rolled back ${terminalText(`${id} (${String(deployment.fix.type)} ${deployment.fixId} for ${deployment.function})`)}.\n`,
        );
      } catch (error) {
        failCommand('deployments rollback', error);
      }
    });
}
