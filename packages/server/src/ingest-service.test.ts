import { fingerprintWrongAnswer } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { FEEDBACK_EVENT_ID_PREFIX, prepareEvent, prepareFeedback } from './ingest-service.js';
import type { EventInput } from './schemas/event-schemas.js';

const AT = Date.UTC(2025, 2, 3, 4, 5, 6);
const CREDENTIAL = 'arc_test-credential-0123456789';

const failure = (extra: Partial<EventInput> = {}): EventInput => ({
  kind: 'failure',
  function: 'lookup',
  error: { type: 'NotFoundError', message: 'user 4411 not found' },
  ...extra,
});

describe('prepareEvent', () => {
  it('keeps a client id and makes a UUID when there is none', () => {
    expect(prepareEvent(failure({ id: 'client-1' }), AT, CREDENTIAL).id).toBe('client-1');
    const a = prepareEvent(failure(), AT, CREDENTIAL).id;
    const b = prepareEvent(failure(), AT, CREDENTIAL).id;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it('reads ISO and epoch-millisecond timestamps, and uses the arrival time without one', () => {
    expect(
      prepareEvent(failure({ timestamp: '2024-01-02T03:04:05.678+01:00' }), AT, CREDENTIAL).timestamp,
    ).toBe(Date.UTC(2024, 0, 2, 2, 4, 5, 678));
    expect(prepareEvent(failure({ timestamp: 1_700_000_000_123 }), AT, CREDENTIAL).timestamp).toBe(
      1_700_000_000_123,
    );
    expect(prepareEvent(failure(), AT, CREDENTIAL).timestamp).toBe(AT);
  });

  it('fills absent optional fields with null or empty values', () => {
    const prepared = prepareEvent({ kind: 'success', function: 'f' }, AT, CREDENTIAL);
    expect(prepared).toEqual({
      id: expect.any(String),
      kind: 'success',
      function: 'f',
      agentId: null,
      timestamp: AT,
      durationMs: null,
      error: null,
      input: null,
      output: null,
      fixIds: [],
      attempt: null,
      tags: {},
      traceId: null,
      fingerprint: null,
    });
  });

  it('copies what the client sent, numeric error codes as text', () => {
    const prepared = prepareEvent(
      failure({
        agentId: 'agent-1',
        durationMs: 12.5,
        error: { type: 'RateLimitError', message: 'slow down', status: 429, code: 429 },
        input: { q: 'weather in Paris', n: [1, 2] },
        output: 'partial',
        fixIds: ['fix-a'],
        attempt: 2,
        tags: { env: 'prod' },
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      }),
      AT,
      CREDENTIAL,
    );
    expect(prepared).toMatchObject({
      agentId: 'agent-1',
      durationMs: 12.5,
      error: { type: 'RateLimitError', message: 'slow down', status: 429, code: '429' },
      input: { q: 'weather in Paris', n: [1, 2] },
      output: 'partial',
      fixIds: ['fix-a'],
      attempt: 2,
      tags: { env: 'prod' },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    });
  });

  it('fingerprints failures only; volatile parts of messages do not split patterns', () => {
    expect(prepareEvent({ kind: 'success', function: 'lookup' }, AT, CREDENTIAL).fingerprint).toBeNull();
    const a = prepareEvent(failure(), AT, CREDENTIAL).fingerprint!;
    const b = prepareEvent(
      failure({ error: { type: 'NotFoundError', message: 'user 17 not found' } }),
      AT,
      CREDENTIAL,
    ).fingerprint!;
    expect(a.patternId).toMatch(/^pat_[0-9a-f]{16}$/);
    expect(b.patternId).toBe(a.patternId);
    expect(a.errorType).toBe('NotFoundError');
    expect(a.normalizedMessage).not.toContain('4411');
  });

  it('takes the error type from the stack when no type is given', () => {
    const prepared = prepareEvent(
      failure({ error: { stack: 'TypeError: x is undefined\n    at f (app.js:1:2)' } }),
      AT,
      CREDENTIAL,
    );
    expect(prepared.fingerprint?.errorType).toBe('TypeError');
  });

  it('redacts secrets everywhere before fingerprinting, so patterns and examples hold none', () => {
    const secretA = 'AKIAIOSFODNN7EXAMPLE';
    const secretB = 'AKIAI44QLDXXJ3EXAMPLE'.slice(0, 20);
    const event = (secret: string) =>
      failure({
        agentId: `agent password=${secret}`,
        error: {
          type: 'AuthError',
          message: `denied for ${secret}`,
          stack: `AuthError: denied\n key ${secret}`,
        },
        input: { password: 'hunter2', nested: [{ note: `use ${secret}` }] },
        output: { echoed: secret },
        tags: { api_key: 'k-123', region: `eu ${secret}` },
      });
    const a = prepareEvent(event(secretA), AT, CREDENTIAL);
    const b = prepareEvent(event(secretB), AT, CREDENTIAL);
    for (const [prepared, secret] of [
      [a, secretA],
      [b, secretB],
    ] as const) {
      const text = JSON.stringify(prepared);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain('k-123');
    }
    expect((a.input as { password: string }).password).toBe('[REDACTED]');
    expect(a.error?.message).toMatch(/^denied for \[REDACTED:[a-z_]+\]$/);
    expect(b.fingerprint?.patternId).toBe(a.fingerprint?.patternId);
  });

  it('replaces secrets in identifiers by placeholders that stay the same for the same credential', () => {
    const card = '4111 1111 1111 1111';
    const event = failure({
      id: `order ${card}`,
      function: `pay ${card}`,
      agentId: `agent ${card}`,
      fixIds: [`fix ${card}`],
      traceId: `trace ${card}`,
    });
    const prepared = prepareEvent(event, AT, CREDENTIAL);
    const placeholder = /^\[REDACTED:card_number#[0-9a-f]{12}\]$/;
    for (const [field, text] of [
      ['id', prepared.id],
      ['function', prepared.function],
      ['agentId', prepared.agentId],
      ['fixIds', prepared.fixIds[0]],
      ['traceId', prepared.traceId],
    ] as const) {
      expect(text, field).toMatch(/^[a-z]+ /);
      expect(text!.replace(/^[a-z]+ /, ''), field).toMatch(placeholder);
    }
    expect(prepareEvent(event, AT, CREDENTIAL)).toEqual(prepared);
    expect(prepareEvent(event, AT, `${CREDENTIAL}x`).id).not.toBe(prepared.id);
    expect(prepareEvent(failure({ id: 'order 4242 4242 4242 4242' }), AT, CREDENTIAL).id).not.toBe(
      prepared.id,
    );
  });

  it('truncates and marks oversized strings; a huge input does not crowd out the error', () => {
    const huge = 'z'.repeat(500_000);
    const prepared = prepareEvent(
      failure({
        error: { type: 'E', message: `m ${'y'.repeat(30_000)}` },
        input: { a: huge, b: huge },
        output: huge,
      }),
      AT,
      CREDENTIAL,
    );
    expect(prepared.error?.message).toMatch(/^m y+…\[truncated \d+ chars\]$/);
    expect(JSON.stringify(prepared).length).toBeLessThan(100_000);
    expect(JSON.stringify(prepared.input)).toMatch(/truncated/);
  });

  it('bounds deep input', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    const prepared = prepareEvent(failure({ input: deep }), AT, CREDENTIAL);
    expect(JSON.stringify(prepared.input)).toContain('[MaxDepth]');
    expect(JSON.stringify(prepared.input)).not.toContain('bottom');
  });
});

describe('prepareFeedback', () => {
  const item = {
    id: 'v-1',
    callId: 'req-77',
    function: 'quote',
    score: 0.2,
    message: 'price timed out: quoted yesterday’s rate',
    input: ['EURUSD'],
    output: 1.07,
    timestamp: 1_700_000_000_000,
  };

  it('makes a wrong answer a wrong_answer failure whatever its message reads like', () => {
    const prepared = prepareFeedback(item, AT, CREDENTIAL);
    expect(prepared).toMatchObject({
      id: `${FEEDBACK_EVENT_ID_PREFIX}v-1`,
      kind: 'failure',
      timestamp: 1_700_000_000_000,
      error: { type: 'WrongAnswer', message: item.message },
      input: ['EURUSD'],
      output: 1.07,
      verdict: { callId: 'req-77', score: 0.2, threshold: 0.5 },
    });
    const expected = fingerprintWrongAnswer({
      function: 'quote',
      message: item.message,
      input: ['EURUSD'],
      output: 1.07,
    });
    expect(prepared.fingerprint).toMatchObject({ patternId: expected.patternId, category: 'wrong_answer' });
  });

  it("redacts a call id as the id of the call's event from the same credential", () => {
    const callId = 'req/sk-proj-4f9Qz2LmX8vB7nR1tY6uW3eK0pJ5sD';
    const call = prepareEvent({ kind: 'success', function: 'quote', id: callId }, AT, CREDENTIAL);
    expect(call.id).not.toContain('sk-proj');
    expect(prepareFeedback({ ...item, callId }, AT, CREDENTIAL).verdict?.callId).toBe(call.id);
    expect(prepareFeedback({ ...item, callId }, AT, `${CREDENTIAL}x`).verdict?.callId).not.toBe(call.id);
  });

  it('makes a right answer a success with its verdict and no error', () => {
    const prepared = prepareFeedback({ ...item, score: 0.6, label: 'ok' }, AT, CREDENTIAL);
    expect(prepared).toMatchObject({ kind: 'success', error: null, fingerprint: null });
    expect(prepared.verdict).toEqual({ callId: 'req-77', score: 0.6, threshold: 0.5 });
    expect(prepareFeedback({ ...item, score: 0.6, threshold: 0.7 }, AT, CREDENTIAL).kind).toBe('failure');
  });
});
