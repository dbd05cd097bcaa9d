/** An integer setting of a bench from the environment: `fallback` when unset, an error naming it when it is not one. */
export function envInteger(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(Number.isInteger(value) && value >= min))
    throw new RangeError(`${name} must be an integer >= ${min}`);
  return value;
}
