import { describe, expect, it } from 'vitest';
import { type Fix, parseFix } from './fix-types.js';
import { REDACTED_SCHEMA_NAME, redactFix } from './redact-fix.js';
import { REDACTED } from './redact-secrets.js';
import { SECRET_CORPUS } from './secret-corpus.fixture.js';

const sample = (label: string) => SECRET_CORPUS.find((s) => s.label === label)!;
const openai = sample('OpenAI project key in a shell export');
const card = sample('Visa number with spaces');
const arc = sample('Arc key in a log line');

const RETRY: Fix = {
  type: 'retry_policy',
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  jitter: 'full',
  retryOn: { categories: ['timeout'], statuses: [] },
};

describe('redactFix', () => {
  it('redacts every part of a composite as what it is, and the result still parses', () => {
    const fix: Fix = {
      type: 'composite',
      fixes: [
        { type: 'prompt_adjustment', instructions: `Never print ${openai.context}` },
        {
          type: 'few_shot',
          examples: [
            { input: { note: card.context, password: 'hunter2-secret' }, output: 'ok' },
            { messages: [{ role: 'user', content: arc.context }] },
          ],
        },
        { type: 'param_patch', params: { model: 'gpt-4o-mini', stop: [openai.secret] } },
        {
          type: 'response_format',
          name: arc.secret,
          strict: true,
          schema: { type: 'object', description: card.context, properties: { password: { type: 'string' } } },
        },
        {
          type: 'output_repair',
          json: true,
          coerce: true,
          schema: { type: 'string', default: openai.secret },
        },
        RETRY,
      ],
    };
    const redacted = redactFix(fix);
    const text = JSON.stringify(redacted);
    for (const secret of [openai.secret, card.secret, arc.secret, 'hunter2-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(parseFix(redacted)).toEqual({ ok: true, value: redacted });
    expect(redacted).toMatchObject({
      fixes: [
        { instructions: 'Never print export OPENAI_API_KEY="[REDACTED:openai_key]"' },
        { examples: [{ input: { password: REDACTED } }, {}] },
        { params: { model: 'gpt-4o-mini', stop: ['[REDACTED:openai_key]'] } },
        { name: REDACTED_SCHEMA_NAME, schema: { properties: { password: { type: 'string' } } } },
        {},
        RETRY,
      ],
    });
  });

  it('gives back a fix without secrets unchanged', () => {
    const fix: Fix = {
      type: 'response_format',
      name: 'answer',
      strict: true,
      schema: { type: 'object', properties: { token: { type: 'string' } } },
    };
    expect(redactFix(fix)).toEqual(fix);
    expect(redactFix(RETRY)).toBe(RETRY);
  });
});
