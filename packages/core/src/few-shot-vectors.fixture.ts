// Few-shot picks shared with the Python SDK: which examples of a pool (a few-shot fix with
// `nearest`) a call gets must not depend on the SDK that makes the call. Written to
// packages/core/test-vectors/few-shot-picks.json by scripts/generate-test-vectors.ts;
// few-shot-vectors.test.ts checks the file against this code.

import { indexExamples, nearestExamples } from './few-shot-selection.js';
import type { FewShotExample } from './fix-types.js';

export interface FewShotPickVector {
  name: string;
  examples: FewShotExample[];
  nearest: number;
  input: unknown;
  /** The positions in `examples` of what the call gets, in the order it gets them. */
  picks: number[];
}

const CITIES = [
  'Paris',
  'Berlin',
  'Parma',
  'Bern',
  'Oslo',
  'Osaka',
  'Lima',
  'Lille',
  'Zürich',
  'São Paulo',
  '東京',
  'Kraków',
];
const weatherPool: FewShotExample[] = CITIES.map((city, i) => ({
  input: `What is the weather in ${city}? Answer in ${i % 2 === 0 ? 'celsius' : 'fahrenheit'}.`,
  output: { city, unit: i % 2 === 0 ? 'celsius' : 'fahrenheit' },
}));
const objectPool: FewShotExample[] = CITIES.map((city, i) => ({
  // Keys out of order: inputs are compared as canonical JSON.
  input: {
    units: i % 3 === 0 ? 'metric' : 'imperial',
    city,
    days: i + 1,
    detail: { hourly: i % 2 === 0, ratio: i / 7 },
  },
  output: `forecast for ${city}`,
}));
const messagesPool: FewShotExample[] = [
  {
    messages: [
      { role: 'user', content: 'Refund my order #1234, it arrived broken' },
      { role: 'assistant', content: 'refund' },
    ],
  },
  {
    messages: [
      { role: 'system', content: 'You route tickets.' },
      { role: 'user', content: 'Where is my parcel?' },
      { role: 'assistant', content: 'tracking' },
    ],
  },
  {
    messages: [
      { role: 'user', content: 'Cancel my subscription' },
      { role: 'assistant', content: 'cancel' },
      { role: 'user', content: 'today, please' },
      { role: 'assistant', content: 'cancel' },
    ],
  },
  { input: 'Change the address of my ORDER', output: 'address' },
  { input: ['refund', 'order', 42], output: 'refund' },
];
const ties: FewShotExample[] = [
  { input: 'same question', output: 'first' },
  { input: 'same question', output: 'second' },
  { input: 'other question entirely', output: 'third' },
  { input: 'same question', output: 'fourth' },
];

const CASES: readonly Omit<FewShotPickVector, 'picks'>[] = [
  {
    name: 'template shared, city decides',
    examples: weatherPool,
    nearest: 3,
    input: 'What is the weather in Paris? Answer in celsius.',
  },
  {
    name: 'a city the pool lacks',
    examples: weatherPool,
    nearest: 2,
    input: 'What is the weather in Bergen? Answer in fahrenheit.',
  },
  {
    name: 'case and spacing carry no meaning',
    examples: weatherPool,
    nearest: 2,
    input: '  WHAT is the   weather\tin\u00a0ZÜRICH?\n',
  },
  {
    name: 'non-Latin and astral characters',
    examples: weatherPool,
    nearest: 2,
    input: '東京の天気は？ 😀 São',
  },
  { name: 'one nearest', examples: weatherPool, nearest: 1, input: 'weather Oslo' },
  {
    name: 'k as large as the pool gives it in pool order',
    examples: weatherPool.slice(0, 4),
    nearest: 4,
    input: 'Bern',
  },
  { name: 'k larger than the pool', examples: weatherPool.slice(0, 3), nearest: 20, input: 'Lima' },
  {
    name: 'object inputs as canonical JSON',
    examples: objectPool,
    nearest: 3,
    input: { city: 'Osaka', days: 6, units: 'imperial', detail: { ratio: 5 / 7, hourly: false } },
  },
  {
    name: 'numbers as JavaScript writes them',
    examples: objectPool,
    nearest: 2,
    input: { city: 'Lille', days: 1e21, detail: { ratio: 0.1, hourly: true }, n: -0, big: 123456789012 },
  },
  { name: 'an empty input', examples: objectPool, nearest: 2, input: '' },
  { name: 'a null input', examples: objectPool, nearest: 2, input: null },
  {
    name: 'literal exchanges by their user turns',
    examples: messagesPool,
    nearest: 2,
    input: 'I want a refund for my order',
  },
  { name: 'an array input', examples: messagesPool, nearest: 2, input: ['cancel', 'subscription'] },
  { name: 'ties go to the earlier example', examples: ties, nearest: 2, input: 'same question' },
  {
    name: 'a long input compared by its first 4,000 characters',
    examples: weatherPool,
    nearest: 2,
    input: `${'x'.repeat(3_990)} Parma weather ${'Oslo '.repeat(200)}`,
  },
  {
    name: 'a long string inside an object',
    examples: objectPool,
    nearest: 2,
    input: { city: 'Kraków', note: 'é'.repeat(5_000) },
  },
];

export function fewShotPickVectors(): FewShotPickVector[] {
  return CASES.map((c) => {
    const picked = nearestExamples(indexExamples(c.examples), c.input, c.nearest);
    return { ...c, picks: picked.map((example) => c.examples.indexOf(example)) };
  });
}
