// `arc patterns list|show <id>`: the failure patterns of a running server's project, through its
// HTTP API (read scope).

import { type Command, Option } from 'commander';
import type { Static } from 'typebox';
import type { PatternDetailSchema, PatternListSchema } from '../schemas/pattern-schemas.js';
import { parseIntegerOption } from './cli-options.js';
import {
  callServer,
  failCommand,
  printListing,
  type ServerOptions,
  withServerOptions,
} from './server-client.js';
import { terminalText } from './terminal-text.js';

type PatternList = Static<typeof PatternListSchema>;
type PatternDetail = Static<typeof PatternDetailSchema>;

interface ListOptions extends ServerOptions {
  category?: string;
  function?: string;
  sort: 'occurrences' | 'lastSeen';
  limit: number;
}

export function registerPatternsCommand(program: Command): void {
  const patterns = program
    .command('patterns')
    .description('List and show failure patterns (on a running server)');

  withServerOptions(patterns.command('list'))
    .description('List patterns, most frequent (or most recent) first')
    .option('--category <category>', 'only this category, e.g. parsing_error')
    .option('--function <name>', 'only patterns of this function')
    .addOption(
      new Option('--sort <order>', 'order').choices(['occurrences', 'lastSeen']).default('occurrences'),
    )
    .option('--limit <n>', 'how many (1-200)', parseIntegerOption(1, 200), 50)
    .action(async (options: ListOptions) => {
      try {
        const query = new URLSearchParams({ sort: options.sort, limit: String(options.limit) });
        if (options.category !== undefined) query.set('category', options.category);
        if (options.function !== undefined) query.set('function', options.function);
        const page = await callServer<PatternList>(options, 'GET', `/v1/patterns?${query}`);
        printListing(
          options.json,
          page.patterns,
          'No patterns.',
          ['ID', 'CATEGORY', 'FUNCTION', 'OCCURRENCES', 'LAST SEEN', 'MESSAGE'],
          (p) => [p.id, p.category, p.function, String(p.occurrences), p.lastSeen, p.normalizedMessage],
        );
      } catch (error) {
        failCommand('patterns list', error);
      }
    });

  withServerOptions(patterns.command('show'))
    .description('Show one pattern: what identifies it and its replayable failing calls')
    .argument('<id>', 'the pattern id, as `arc patterns list` shows it')
    .action(async (id: string, options: ServerOptions) => {
      try {
        const p = await callServer<PatternDetail>(options, 'GET', `/v1/patterns/${encodeURIComponent(id)}`);
        if (options.json) {
          process.stdout.write(`${JSON.stringify(p)}\n`);
          return;
        }
        const example = p.examples[0];
        const t = terminalText;
        process.stdout.write(
          `Pattern ${t(p.id)}: ${p.category} in ${t(p.function)}\n` +
            `Error:       ${t(p.errorType)}: ${t(p.normalizedMessage)}\n` +
            `Occurrences: ${p.occurrences} (first ${p.firstSeen}, last ${p.lastSeen})\n` +
            `Examples:    ${p.examples.length} replayable failing calls\n` +
            (example === undefined ? '' : `An input:    ${t(JSON.stringify(example.input))}\n`),
        );
      } catch (error) {
        failCommand('patterns show', error);
      }
    });
}
