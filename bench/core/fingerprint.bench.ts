import { type FailureInput, fingerprintFailure } from '@arc-agent/core';
import {
  CORPUS_DEFAULT_FUNCTION,
  ERROR_MESSAGE_CORPUS,
} from '../../packages/core/src/error-message-corpus.fixture.js';

const MIN_MS = 1000;

/** Fingerprints per second over `failures`, cycled for at least MIN_MS after a warm-up pass. */
function rate(failures: readonly FailureInput[]): { count: number; ms: number; perSecond: number } {
  for (const f of failures) fingerprintFailure(f);
  let count = 0;
  const start = performance.now();
  let ms = 0;
  while (ms < MIN_MS) {
    for (const f of failures) fingerprintFailure(f);
    count += failures.length;
    ms = performance.now() - start;
  }
  return { count, ms, perSecond: (count / ms) * 1000 };
}

export async function run(): Promise<void> {
  const corpus: FailureInput[] = ERROR_MESSAGE_CORPUS.map((e) => ({
    ...e,
    function: e.function ?? CORPUS_DEFAULT_FUNCTION,
  }));
  const repeated = rate(corpus);
  // A distinct function per failure makes every signature new, so the pattern-id memo never hits:
  // the cost when nothing repeats.
  const distinct = rate(
    Array.from({ length: 20_000 }, (_, i) => ({ ...corpus[i % corpus.length]!, function: `step${i}` })),
  );
  const line = (label: string, r: ReturnType<typeof rate>) =>
    `fingerprintFailure, ${label}: ${Math.round(r.perSecond).toLocaleString('en-US')} fingerprints/s (${r.count} in ${r.ms.toFixed(0)} ms)`;
  console.log(`corpus: ${ERROR_MESSAGE_CORPUS.length} messages`);
  console.log(line('corpus patterns repeating', repeated));
  console.log(line('every signature new', distinct));
}
