// Option parsers shared by the CLI's commands.

import { InvalidArgumentError } from 'commander';

export function parseIntegerOption(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return value;
  };
}

export const DB_OPTION_HELP = 'SQLite file path or postgres://… URL (default: .arc/arc.db)';
