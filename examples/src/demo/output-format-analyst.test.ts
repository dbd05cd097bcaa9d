import { describe, expect, it } from 'vitest';
import { BFCL_AGENT_FUNCTION } from '../bfcl-agent.js';
import { CALL_FORMAT_FIX, outputFormatAnalyst } from './output-format-analyst.js';

const input = (fn: string, category: string) =>
  ({
    pattern: { id: 'p', category, function: fn, normalizedMessage: 'm', errorType: 'E' },
    failures: [],
    successes: [],
    seed: 'p',
  }) as never;

describe('outputFormatAnalyst', () => {
  it("proposes the agent's call format for its parsing and validation failures only", async () => {
    const analyst = outputFormatAnalyst();
    for (const category of ['parsing_error', 'validation']) {
      const [candidate, ...rest] = await analyst.propose(input(BFCL_AGENT_FUNCTION, category));
      expect(rest).toEqual([]);
      expect(candidate).toMatchObject({ fix: CALL_FORMAT_FIX, origin: 'analyst' });
    }
    expect(await analyst.propose(input(BFCL_AGENT_FUNCTION, 'timeout'))).toEqual([]);
    expect(await analyst.propose(input('other', 'parsing_error'))).toEqual([]);
  });
});
