#!/usr/bin/env node
// The `arc` command.

import { Command } from 'commander';
import { PACKAGE_VERSION } from '../package-version.js';
import { registerApprovalsCommand } from './approvals-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerDeploymentsCommand } from './deployments-command.js';
import { registerExportCommand } from './export-command.js';
import { registerFixesCommand } from './fixes-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerPatternsCommand } from './patterns-command.js';
import { registerServeCommand } from './serve-command.js';

const program = new Command('arc')
  .description('Arc: captures AI agent failures, groups them into patterns, learns and deploys fixes')
  .version(PACKAGE_VERSION);

registerServeCommand(program);
registerKeysCommand(program);
registerApprovalsCommand(program);
registerFixesCommand(program);
registerDeploymentsCommand(program);
registerPatternsCommand(program);
registerExportCommand(program);

registerDemoCommand(program);

await program.parseAsync(process.argv);
