// Fingerprints per second, per core: the rate over CPU time this thread was given (process.cpuUsage),
// which a busy machine distorts far less than wall time, beside the wall-time rate. The baseline in
// the same run is the plain path: the same failures with a rule that sets nothing, which turns
// core's memo of message facts off.
import { loadavg } from 'node:os';
import { type FailureInput, type FingerprintRule, fingerprintFailure } from '@arc-agent/core';
import {
  CORPUS_DEFAULT_FUNCTION,
  ERROR_MESSAGE_CORPUS,
} from '../../packages/core/src/error-message-corpus.fixture.js';

const MIN_MS = 1000;
const INERT_RULES: FingerprintRule[] = [{ match: {} }];

interface Rate {
  count: number;
  ms: number;
  perSecond: number;
  perCpuSecond: number;
}

/** Fingerprints per second over `failures`, cycled for at least MIN_MS after a warm-up pass. */
function rate(failures: readonly FailureInput[], rules?: readonly FingerprintRule[]): Rate {
  const options = rules === undefined ? {} : { rules };
  for (const f of failures) fingerprintFailure(f, options);
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let ms = 0;
  while (ms < MIN_MS) {
    for (const f of failures) fingerprintFailure(f, options);
    count += failures.length;
    ms = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { count, ms, perSecond: (count / ms) * 1000, perCpuSecond: (count / cpuMs) * 1000 };
}

export async function run(): Promise<void> {
  const corpus: FailureInput[] = ERROR_MESSAGE_CORPUS.map((e) => ({
    ...e,
    function: e.function ?? CORPUS_DEFAULT_FUNCTION,
  }));
  const plain = rate(corpus, INERT_RULES);
  const repeated = rate(corpus);
  // A distinct function per failure makes every signature new, so no memo ever hits: the cost when
  // nothing repeats.
  const distinctFailures = Array.from({ length: 20_000 }, (_, i) => ({
    ...corpus[i % corpus.length]!,
    function: `step${i}`,
  }));
  const distinct = rate(distinctFailures);
  const distinctPlain = rate(distinctFailures, INERT_RULES);
  const count = (n: number) => Math.round(n).toLocaleString('en-US');
  const line = (label: string, r: Rate, baseline: Rate) =>
    `fingerprintFailure, ${label}: ${count(r.perCpuSecond)}/s per core (${count(r.perSecond)}/s wall; ${r.count} in ${r.ms.toFixed(0)} ms), ${(r.perCpuSecond / baseline.perCpuSecond).toFixed(2)}x the plain path`;
  console.log(
    `corpus: ${ERROR_MESSAGE_CORPUS.length} messages; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(line('plain path (no memo), corpus repeating', plain, plain));
  console.log(line('corpus patterns repeating', repeated, plain));
  console.log(line('plain path, every signature new', distinctPlain, distinctPlain));
  console.log(line('every signature new (the memo never hits)', distinct, distinctPlain));
  console.log('target: 500,000/s per core on repeating patterns');
}
