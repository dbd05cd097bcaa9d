// Option parsers shared by the CLI's commands.

import { type Command, InvalidArgumentError, Option } from 'commander';

export function parseIntegerOption(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return value;
  };
}

/**
 * `--db`, also read from ARC_DB: a URL's password in the arguments shows in `ps` to every user of
 * the host, the environment does not.
 */
export function dbOption(): Option {
  return new Option(
    '--db <db>',
    'SQLite file path or postgres://… URL (default: .arc/arc.db; prefer the env var for a URL with a password: arguments show in ps)',
  ).env('ARC_DB');
}

/** What messages call `command`'s --db: ARC_DB where the value came from there, so a user looks there. */
export function dbNamed(command: Command): string {
  return command.getOptionValueSource('db') === 'env' ? 'ARC_DB' : '--db';
}
