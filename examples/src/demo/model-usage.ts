// Where a demo run's time goes: every model call counted by the phase it ran in (baseline,
// traffic, rollouts, final passes), with the tokens the model read and wrote and the time spent
// in it. The demo prints it at the end and writes it in the report.

import type { LlmBackend, LlmCompletion, LlmRequest } from '../llm-backend.js';

export interface PhaseUsage {
  calls: number;
  /** Prompt tokens evaluated. */
  inputTokens: number;
  /** Tokens generated. */
  outputTokens: number;
  /** Wall-clock seconds inside the model's calls. */
  seconds: number;
}

/** A backend that counts its calls by the phase set last; the model's answers are untouched. */
export class MeteredLlm implements LlmBackend {
  readonly #llm: LlmBackend;
  readonly #phases = new Map<string, PhaseUsage>();
  #phase = 'other';

  constructor(llm: LlmBackend) {
    this.#llm = llm;
  }

  get model(): string {
    return this.#llm.model;
  }

  /** Names the phase later calls count for. */
  phase(name: string): void {
    this.#phase = name;
  }

  async complete(request: LlmRequest): Promise<LlmCompletion> {
    const phase = this.#phase;
    const completion = await this.#llm.complete(request);
    const usage = this.#phases.get(phase) ?? { calls: 0, inputTokens: 0, outputTokens: 0, seconds: 0 };
    usage.calls++;
    usage.inputTokens += completion.usage?.inputTokens ?? 0;
    usage.outputTokens += completion.usage?.outputTokens ?? 0;
    usage.seconds += completion.durationMs / 1000;
    this.#phases.set(phase, usage);
    return completion;
  }

  /** Usage by phase, in the order phases first made a call, and the total. */
  usage(): { phases: Record<string, PhaseUsage>; total: PhaseUsage } {
    const total: PhaseUsage = { calls: 0, inputTokens: 0, outputTokens: 0, seconds: 0 };
    for (const u of this.#phases.values()) {
      total.calls += u.calls;
      total.inputTokens += u.inputTokens;
      total.outputTokens += u.outputTokens;
      total.seconds += u.seconds;
    }
    return { phases: Object.fromEntries([...this.#phases].map(([k, u]) => [k, { ...u }])), total };
  }

  close(): Promise<void> {
    return this.#llm.close();
  }
}

/** `phase: N calls, I tokens read, O written, S s` lines for the end of a run. */
export function formatModelUsage(usage: ReturnType<MeteredLlm['usage']>): string[] {
  const line = (name: string, u: PhaseUsage) =>
    `  ${name.padEnd(22)} ${String(u.calls).padStart(4)} calls, ${String(u.inputTokens).padStart(6)} tokens read, ` +
    `${String(u.outputTokens).padStart(5)} written, ${u.seconds.toFixed(0).padStart(4)} s in the model`;
  return [
    'model calls by phase:',
    ...Object.entries(usage.phases).map(([name, u]) => line(name, u)),
    line('total', usage.total),
  ];
}
