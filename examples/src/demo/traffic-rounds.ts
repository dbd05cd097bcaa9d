// The learning pool served as production traffic: steps + 1 rounds (one before the first step,
// one after each), consecutive slices of the pool so that each round mixes the categories as the
// pool does (splitByCategory interleaves them).

export function trafficRounds<T>(pool: readonly T[], steps: number): T[][] {
  const size = Math.ceil(pool.length / (steps + 1));
  return Array.from({ length: steps + 1 }, (_, r) => pool.slice(r * size, (r + 1) * size));
}
