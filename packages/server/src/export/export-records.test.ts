import type { DeployedFix } from '@arc-agent/core';
import { describe, expect, it } from 'vitest';
import { exportRecord, groundTruth, type StoredEvent, trlRow, verlRow } from './export-records.js';

const failure: StoredEvent = {
  id: 'e-1',
  kind: 'failure',
  function: 'answer',
  agentId: 'bot',
  timestamp: Date.UTC(2026, 0, 2, 3, 4, 5),
  durationMs: 10,
  error: { type: 'ParseError', message: 'no JSON in [REDACTED:email]' },
  input: ['What is 2 + 2?'],
  output: 'four-ish',
  fixIds: ['f-0'],
  attempt: null,
  tags: { env: 'prod' },
  traceId: null,
  fingerprint: {
    patternId: 'p-1',
    category: 'parsing_error',
    normalizedMessage: 'no JSON in <email>',
    errorType: 'ParseError',
    signature: {},
  },
};

const rightVerdict: StoredEvent = {
  ...failure,
  id: 'feedback:v-1',
  kind: 'success',
  error: null,
  output: { answer: 4 },
  fingerprint: null,
  verdict: { callId: 'c-1', score: 0.9, threshold: 0.5 },
};

const deployed = new Map<string, DeployedFix>([
  [
    'p-1',
    {
      id: 'fix-9',
      version: 1,
      patternId: 'p-1',
      function: 'answer',
      fix: { type: 'output_repair', json: true, coerce: false },
      risk: 'low',
      confidence: 0.97,
      canaryShare: 0.25,
    },
  ],
]);

describe('export records', () => {
  it('is the call as stored, with its pattern, verdict and deployed fix', () => {
    expect(exportRecord(failure, deployed)).toEqual({
      id: 'e-1',
      kind: 'failure',
      function: 'answer',
      timestamp: '2026-01-02T03:04:05.000Z',
      agentId: 'bot',
      patternId: 'p-1',
      category: 'parsing_error',
      errorType: 'ParseError',
      error: { type: 'ParseError', message: 'no JSON in [REDACTED:email]' },
      input: ['What is 2 + 2?'],
      output: 'four-ish',
      fixIds: ['f-0'],
      tags: { env: 'prod' },
      verdict: null,
      deployedFix: {
        id: 'fix-9',
        type: 'output_repair',
        canaryShare: 0.25,
        fix: { type: 'output_repair', json: true, coerce: false },
      },
    });
    expect(exportRecord(rightVerdict, deployed)).toMatchObject({
      patternId: null,
      category: null,
      verdict: { score: 0.9, threshold: 0.5 },
      deployedFix: null,
    });
  });

  it('gives a ground truth only for an answer a verifier judged right', () => {
    expect(groundTruth(exportRecord(rightVerdict, deployed))).toBe('{"answer":4}');
    const text = { ...rightVerdict, output: '4' };
    expect(groundTruth(exportRecord(text, deployed))).toBe('4');
    const atThreshold = { ...rightVerdict, verdict: { callId: 'c', score: 0.5, threshold: 0.5 } };
    expect(groundTruth(exportRecord(atThreshold, deployed))).toBe('{"answer":4}');
    const wrong = { ...failure, verdict: { callId: 'c', score: 0.2, threshold: 0.5 } };
    expect(groundTruth(exportRecord(wrong, deployed))).toBeNull();
    expect(groundTruth(exportRecord(failure, deployed))).toBeNull();
  });

  it('writes VERL rows: chat prompt, data source, reward model, extra_info with pattern and index', () => {
    expect(verlRow(exportRecord(failure, deployed), 7)).toEqual({
      data_source: 'arc/answer',
      prompt: [{ role: 'user', content: 'What is 2 + 2?' }],
      ability: 'answer',
      reward_model: { style: 'rule', ground_truth: null },
      extra_info: {
        index: 7,
        pattern_id: 'p-1',
        category: 'parsing_error',
        function: 'answer',
        kind: 'failure',
        event_id: 'e-1',
        error_type: 'ParseError',
        message: 'no JSON in [REDACTED:email]',
        input: '["What is 2 + 2?"]',
        verdict_score: null,
      },
    });
  });

  it('writes TRL rows: a conversational prompt beside the columns reward functions get', () => {
    expect(trlRow(exportRecord(rightVerdict, deployed), 0)).toEqual({
      prompt: [{ role: 'user', content: 'What is 2 + 2?' }],
      ground_truth: '{"answer":4}',
      index: 0,
      pattern_id: null,
      category: null,
      function: 'answer',
      kind: 'success',
      event_id: 'feedback:v-1',
      error_type: null,
      message: null,
      input: '["What is 2 + 2?"]',
      verdict_score: 0.9,
    });
  });
});
