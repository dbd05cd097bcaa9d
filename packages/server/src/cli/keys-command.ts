// `arc keys create|list|revoke`: works on the database directly, like the admin commands of other
// self-hosted servers. It needs no running server and no key (access to the database is the
// authority), so it is also how an operator recovers from a lost admin key.

import { existsSync } from 'node:fs';
import { type Command, InvalidArgumentError } from 'commander';
import { issueApiKey, MAX_KEY_NAME_LENGTH } from '../api-keys.js';
import { keySummary } from '../routes/keys-routes.js';
import { DEFAULT_PROJECT } from '../server.js';
import { openStorage, storageTarget } from '../storage/open-storage.js';
import { SCOPES, type Scope, type Storage } from '../storage/storage.js';
import { dbNamed, dbOption } from './cli-options.js';
import { printListing } from './server-client.js';

interface CommonOptions {
  db?: string;
  project: string;
  json?: boolean;
}

function parseScopes(text: string): Scope[] {
  const scopes = [...new Set(text.split(',').map((s) => s.trim()))];
  for (const scope of scopes) {
    if (!(SCOPES as readonly string[]).includes(scope)) {
      throw new InvalidArgumentError(`unknown scope "${scope}" (scopes: ${SCOPES.join(', ')})`);
    }
  }
  return scopes as Scope[];
}

/** A key's name, as POST /v1/keys takes it: 1 to MAX_KEY_NAME_LENGTH characters. */
function parseKeyName(text: string): string {
  if (text.trim() === '' || text.length > MAX_KEY_NAME_LENGTH) {
    throw new InvalidArgumentError(`expected 1 to ${MAX_KEY_NAME_LENGTH} characters, not all spaces`);
  }
  return text;
}

function withCommonOptions(command: Command): Command {
  return command
    .addOption(dbOption())
    .option('--project <name>', 'project the keys belong to', DEFAULT_PROJECT)
    .option('--json', 'print JSON instead of text');
}

/**
 * Opens the database. Only create makes what it names: for list and revoke, a SQLite file or a
 * project that does not exist is an error, so that a typo in --db or --project creates nothing.
 * The default project is the exception: `arc serve` creates it at its first start, so until then
 * (a database only migrated, or a PostgreSQL database serve never ran on) it has no keys, and
 * list and revoke answer `noDefaultProject` instead of blaming a --project no one typed.
 */
async function withStorage<T>(
  options: CommonOptions,
  command: Command,
  project: 'create' | { noDefaultProject: T },
  run: (storage: Storage, projectId: string) => Promise<T>,
): Promise<T> {
  const named = dbNamed(command);
  const target = storageTarget(options.db, named);
  if (project !== 'create' && target.dialect === 'sqlite' && !existsSync(target.file)) {
    throw new Error(`no database at ${target.file} (start \`arc serve\` there first, or pass --db)`);
  }
  const storage = await openStorage(options.db, { named });
  try {
    const found =
      project === 'create'
        ? await storage.ensureProject(options.project)
        : await storage.findProjectByName(options.project);
    if (found !== undefined) return await run(storage, found.id);
    if (project !== 'create' && options.project === DEFAULT_PROJECT) return project.noDefaultProject;
    throw new Error(`--project: no project named "${options.project}" in this database`);
  } finally {
    await storage.close();
  }
}

function fail(error: unknown): void {
  process.stderr.write(`arc keys: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}

export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description('Create, list and revoke API keys, directly in the database (no server or key needed)')
    .addHelpText(
      'after',
      `
These commands open the database itself (--db, as for \`arc serve\`), so run them where the
database is reachable. Over HTTP, an admin key manages its project's keys with
POST/GET/DELETE /v1/keys instead. Scopes: ingest (send events), worker (rollouts),
read (patterns, stream), admin (everything, keys included).`,
    );

  withCommonOptions(keys.command('create'))
    .description('Create a key; the full key is printed once and never stored')
    .requiredOption('--name <name>', 'what the key is for, e.g. "checkout agent"', parseKeyName)
    .requiredOption('--scopes <list>', `comma-separated: ${SCOPES.join(',')}`, parseScopes)
    .action(async (options: CommonOptions & { name: string; scopes: Scope[] }, command: Command) => {
      try {
        const { key, record } = await withStorage(options, command, 'create', (storage, projectId) =>
          issueApiKey(storage, projectId, options.name, options.scopes),
        );
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ ...keySummary(record), key })}\n`);
        } else {
          process.stdout.write(
            `Created key ${record.id} "${record.name}" (${record.scopes.join(', ')}) in project ${options.project}.\n` +
              `Key (shown only this once; store it now):\n\n  ${key}\n\n`,
          );
        }
      } catch (error) {
        fail(error);
      }
    });

  withCommonOptions(keys.command('list'))
    .description('List keys (prefixes only, never the keys)')
    .action(async (options: CommonOptions, command: Command) => {
      try {
        const records = await withStorage(options, command, { noDefaultProject: [] }, (storage, projectId) =>
          storage.listApiKeys(projectId),
        );
        const rows = records.map(keySummary);
        printListing(
          options.json,
          rows,
          `No keys in project ${options.project}.`,
          ['ID', 'NAME', 'SCOPES', 'PREFIX', 'CREATED', 'LAST USED', 'STATUS'],
          (k) => [
            k.id,
            k.name,
            k.scopes.join(','),
            `${k.prefix}…`,
            k.createdAt,
            k.lastUsedAt ?? '-',
            k.revokedAt === null ? 'active' : `revoked ${k.revokedAt}`,
          ],
        );
      } catch (error) {
        fail(error);
      }
    });

  withCommonOptions(keys.command('revoke'))
    .description('Revoke a key by id; requests with it get 401 from then on')
    .argument('<id>', 'key id, as shown by `arc keys list`')
    .action(async (id: string, options: CommonOptions, command: Command) => {
      try {
        const revoked = await withStorage(
          options,
          command,
          { noDefaultProject: false },
          (storage, projectId) => storage.revokeApiKey(projectId, id),
        );
        if (!revoked) throw new Error(`no active key ${id} in project ${options.project}`);
        process.stdout.write(
          options.json ? `${JSON.stringify({ id, revoked: true })}\n` : `Revoked key ${id}.\n`,
        );
      } catch (error) {
        fail(error);
      }
    });
}
