import { describe, expect, it } from 'vitest';
import { applyPromptAdjustment } from './prompt-adjustment.js';

describe('applyPromptAdjustment', () => {
  const fix = { type: 'prompt_adjustment', instructions: 'Return only JSON.' } as const;

  it('appends to an existing system prompt without touching the rest', () => {
    const call = { system: 'You extract invoices.', prompt: 'doc', params: { temperature: 1 } };
    expect(applyPromptAdjustment(call, fix)).toEqual({
      system: 'You extract invoices.\n\nReturn only JSON.',
      prompt: 'doc',
      params: { temperature: 1 },
    });
    expect(call.system).toBe('You extract invoices.');
  });

  it('creates the system prompt when there is none', () => {
    expect(applyPromptAdjustment({ params: {} }, fix)).toEqual({ system: 'Return only JSON.', params: {} });
  });
});
