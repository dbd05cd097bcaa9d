import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BfclDataError, loadBfclTasks, parseBfclTask, parseJsonLines, splitTasks } from './bfcl-tasks.js';

const record = {
  id: 'simple_python_0',
  question: [
    [{ role: 'user', content: 'Find the area of a triangle with a base of 10 units and height of 5 units.' }],
  ],
  function: [
    {
      name: 'calculate_triangle_area',
      description: 'Calculate the area of a triangle given its base and height.',
      parameters: {
        type: 'dict',
        properties: {
          base: { type: 'integer', description: 'The base of the triangle.' },
          height: { type: 'integer', description: 'The height of the triangle.' },
          unit: { type: 'string', description: "The unit of measure (defaults to 'units' if not specified)" },
        },
        required: ['base', 'height'],
      },
    },
  ],
};
const answer = {
  id: 'simple_python_0',
  ground_truth: [{ calculate_triangle_area: { base: [10], height: [5], unit: ['units', ''] } }],
};

describe('parseBfclTask', () => {
  it('reads the question, the function, its JSON Schema and the possible answer', () => {
    const task = parseBfclTask(record, answer);
    expect(task.id).toBe('simple_python_0');
    expect(task.question).toEqual([{ role: 'user', content: record.question[0]![0]!.content }]);
    expect(task.function.name).toBe('calculate_triangle_area');
    expect(task.function.parameters.required).toEqual(['base', 'height']);
    expect(task.tool).toEqual({
      name: 'calculate_triangle_area',
      description: 'Calculate the area of a triangle given its base and height.',
      parameters: {
        type: 'object',
        properties: {
          base: { type: 'integer', description: 'The base of the triangle.' },
          height: { type: 'integer', description: 'The height of the triangle.' },
          unit: { type: 'string', description: "The unit of measure (defaults to 'units' if not specified)" },
        },
        required: ['base', 'height'],
        additionalProperties: false,
      },
    });
    expect(task.answer).toEqual({
      function: 'calculate_triangle_area',
      params: { base: [10], height: [5], unit: ['units', ''] },
    });
  });

  it.each([
    ['no id', { ...record, id: 1 }, answer, 'a task needs a string "id"'],
    [
      'two functions',
      { ...record, function: [record.function[0], record.function[0]] },
      answer,
      'exactly one function',
    ],
    ['no turns', { ...record, question: [] }, answer, '"question" must be a list of turns'],
    ['a bad message', { ...record, question: [[{ role: 'robot', content: 'x' }]] }, answer, 'question[0][0]'],
    [
      'an unknown type',
      {
        ...record,
        function: [
          { ...record.function[0], parameters: { type: 'dict', properties: { a: { type: 'complex' } } } },
        ],
      },
      answer,
      'parameters.properties.a: unknown type "complex"',
    ],
    [
      'another function in the answer',
      record,
      { ground_truth: [{ other: {} }] },
      'the ground truth calls other',
    ],
    [
      'a bare allowed value',
      record,
      { ground_truth: [{ calculate_triangle_area: { base: 10 } }] },
      'must list',
    ],
  ])('rejects %s, naming the task', (_what, question, truth, message) => {
    expect(() => parseBfclTask(question, truth)).toThrow(BfclDataError);
    expect(() => parseBfclTask(question, truth)).toThrow(message);
  });
});

describe('parseJsonLines', () => {
  it('skips blank lines and names the line of a bad one', () => {
    expect(parseJsonLines('{"a":1}\n\n{"a":2}\n', 'f')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(() => parseJsonLines('{"a":1}\n{oops\n', 'data.json')).toThrow(/^data\.json:2: /);
  });
});

describe('loadBfclTasks', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'arc-bfcl-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('joins questions and answers by id, in the order of the questions', async () => {
    const second = { ...record, id: 'simple_python_1' };
    const files = { questions: join(dir, 'q.jsonl'), answers: join(dir, 'a.jsonl') };
    await writeFile(files.questions, `${JSON.stringify(second)}\n${JSON.stringify(record)}\n`);
    await writeFile(
      files.answers,
      `${JSON.stringify(answer)}\n${JSON.stringify({ ...answer, id: 'simple_python_1' })}\n`,
    );
    expect((await loadBfclTasks(files)).map((t) => t.id)).toEqual(['simple_python_1', 'simple_python_0']);

    await writeFile(files.answers, `${JSON.stringify(answer)}\n`);
    await expect(loadBfclTasks(files)).rejects.toThrow(
      `simple_python_1: no possible answer in ${files.answers}`,
    );
  });
});

describe('splitTasks', () => {
  const tasks = Array.from({ length: 50 }, (_, i) => i);

  it('holds out the asked number, disjoint from the learning pool, each in input order', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50 }), fc.integer(), (heldOut, seed) => {
        const split = splitTasks(tasks, { seed, heldOut });
        expect(split.heldOut).toHaveLength(heldOut);
        expect([...split.learning, ...split.heldOut].sort((a, b) => a - b)).toEqual(tasks);
        expect(split.heldOut).toEqual([...split.heldOut].sort((a, b) => a - b));
        expect(split.learning).toEqual([...split.learning].sort((a, b) => a - b));
      }),
    );
  });

  it('is the same under the same seed and differs under another', () => {
    expect(splitTasks(tasks, { seed: 7, heldOut: 20 })).toEqual(splitTasks(tasks, { seed: 7, heldOut: 20 }));
    expect(splitTasks(tasks, { seed: 7, heldOut: 20 }).heldOut).not.toEqual(
      splitTasks(tasks, { seed: 8, heldOut: 20 }).heldOut,
    );
  });

  it('picks each task about equally often', () => {
    const counts = new Array<number>(10).fill(0);
    for (let seed = 0; seed < 2000; seed++) {
      for (const t of splitTasks(tasks.slice(0, 10), { seed, heldOut: 3 }).heldOut) counts[t]!++;
    }
    // Expected 600 each; 5 standard deviations (sqrt(2000 * 0.3 * 0.7) ~ 20.5) either side.
    for (const c of counts) expect(Math.abs(c - 600)).toBeLessThan(103);
  });

  it('rejects a held-out size outside the tasks', () => {
    expect(() => splitTasks(tasks, { seed: 1, heldOut: 51 })).toThrow(
      'heldOut must be an integer from 0 to 50, got 51',
    );
    expect(() => splitTasks(tasks, { seed: 1, heldOut: 2.5 })).toThrow(RangeError);
  });
});
