import { FixPolicy, type FixRollout, SecCurriculum, SeededRandom } from '@arc-agent/core';

/** Runs `body` repeatedly for about `seconds` (after a short warm-up) and returns calls per second. */
function opsPerSecond(body: () => void, seconds = 1): number {
  for (let i = 0; i < 20; i++) body();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 10; i++) body();
    calls += 10;
    now = performance.now();
  }
  return (calls * 1000) / (now - start);
}

function line(label: string, value: number, unit: string): string {
  return `${label.padEnd(64)} ${Math.round(value).toLocaleString('en-US').padStart(12)} ${unit}`;
}

/** SEC sample + update over 10 000 arms with B = 32, and fix-policy updates (8 candidates, 4 × 8 rollouts). */
export async function run(): Promise<void> {
  const arms = Array.from({ length: 10_000 }, (_, i) => `pattern-${i}`);
  const rewards = new SeededRandom('bench-rewards');
  for (const unsampled of ['keep', 'decay'] as const) {
    const sec = new SecCurriculum({ seed: 'bench', unsampled });
    const step = () => {
      const batch: Record<string, number> = {};
      for (const arm of sec.sample(arms, 32)) batch[arm] = rewards.next();
      sec.update(batch, arms);
    };
    console.log(line(`SEC sample+update, 10,000 arms, B = 32 (${unsampled})`, opsPerSecond(step), 'steps/s'));
  }

  const candidates = Array.from({ length: 8 }, (_, i) => (i === 0 ? 'incumbent' : `fix-${i}`));
  const policy = new FixPolicy(candidates);
  const rng = new SeededRandom('bench-policy');
  let problem = 0;
  const update = () => {
    const rollouts: FixRollout[] = [];
    for (let g = 0; g < 4; g++) {
      problem++;
      for (const candidateId of policy.sample(rng, 8)) {
        rollouts.push({ candidateId, reward: rng.next() < 0.5 ? 1 : 0, group: problem });
      }
    }
    // A small step keeps the policy from collapsing onto one candidate during the run.
    policy.update(rollouts, { learningRate: 1e-4 });
  };
  console.log(
    line('fix policy sample+update, 8 candidates, 4 groups x 8', opsPerSecond(update), 'updates/s'),
  );
  // Posterior comparison at a realistic size: 400 trials each, integer evidence (closed form) and
  // fractional evidence from non-binary rewards (numeric integration).
  for (const [label, incumbent, candidate] of [
    ['integer evidence', 180, 236],
    ['fractional evidence', 180.5, 236.25],
  ] as const) {
    const evidence = FixPolicy.fromJSON({
      version: 1,
      candidates: [
        { id: 'incumbent', theta: 0, successes: incumbent, trials: 400 },
        { id: 'fix', theta: 0, successes: candidate, trials: 400 },
      ],
    });
    const compare = () => {
      evidence.compareToIncumbent('fix');
    };
    console.log(
      line(`fix policy compareToIncumbent, 400 trials, ${label}`, opsPerSecond(compare, 0.5), 'calls/s'),
    );
  }
}
