import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BFCL_CATEGORIES,
  type BfclCategory,
  BfclDataError,
  type BfclDataFiles,
  type BfclTask,
  loadBfclTasks,
  parseBfclTask,
  parseJsonLines,
  splitByCategory,
  splitTasks,
} from './bfcl-tasks.js';
import { PyFloat } from './python-json.js';

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
    const task = parseBfclTask('simple', record, answer);
    expect(task.id).toBe('simple_python_0');
    expect(task.category).toBe('simple');
    expect(task.question).toEqual([{ role: 'user', content: record.question[0]![0]!.content }]);
    expect(task.functions.map((f) => f.name)).toEqual(['calculate_triangle_area']);
    expect(task.functions[0]!.parameters.required).toEqual(['base', 'height']);
    expect(task.tools).toEqual([
      {
        name: 'calculate_triangle_area',
        description: 'Calculate the area of a triangle given its base and height.',
        parameters: {
          type: 'object',
          properties: {
            base: { type: 'integer', description: 'The base of the triangle.' },
            height: { type: 'integer', description: 'The height of the triangle.' },
            unit: {
              type: 'string',
              description: "The unit of measure (defaults to 'units' if not specified)",
            },
          },
          required: ['base', 'height'],
          additionalProperties: false,
        },
      },
    ]);
    expect(task.answer).toEqual([
      { function: 'calculate_triangle_area', params: { base: [10], height: [5], unit: ['units', ''] } },
    ]);
  });

  it('reads several functions, several expected calls, and irrelevance tasks without an answer', () => {
    const other = { ...record.function[0], name: 'other_function' };
    const multiple = parseBfclTask(
      'multiple',
      { ...record, id: 'multiple_0', function: [other, record.function[0]] },
      answer,
    );
    expect(multiple.tools.map((t) => t.name)).toEqual(['other_function', 'calculate_triangle_area']);
    const two = { ground_truth: [answer.ground_truth[0], answer.ground_truth[0]] };
    expect(parseBfclTask('parallel', { ...record, id: 'parallel_0' }, two).answer).toHaveLength(2);
    const irrelevant = parseBfclTask('irrelevance', { ...record, id: 'irrelevance_0' });
    expect(irrelevant).toMatchObject({ category: 'irrelevance', answer: [] });
  });

  it('keeps a float of the ground truth a float, as Python reads it', () => {
    const [line] = parseJsonLines(
      '{"id": "simple_python_0", "ground_truth": [{"calculate_triangle_area": {"base": [10], "height": [5.0]}}]}',
      'f',
    );
    const task = parseBfclTask('simple', record, line);
    expect(task.answer[0]!.params.base).toEqual([10]);
    expect(task.answer[0]!.params.height).toEqual([new PyFloat(5)]);
  });

  it.each([
    ['no id', { ...record, id: 1 }, answer, 'a task needs a string "id"'],
    [
      'two functions',
      { ...record, function: [record.function[0], record.function[0]] },
      answer,
      'a simple task offers exactly one function',
    ],
    [
      'two calls',
      record,
      { ground_truth: [answer.ground_truth[0], answer.ground_truth[0]] },
      'a simple task expects exactly one call',
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
      'the ground truth calls other, which the task does not offer',
    ],
    [
      'a bare allowed value',
      record,
      { ground_truth: [{ calculate_triangle_area: { base: 10 } }] },
      'must list',
    ],
  ])('rejects %s, naming the task', (_what, question, truth, message) => {
    expect(() => parseBfclTask('simple', question, truth)).toThrow(BfclDataError);
    expect(() => parseBfclTask('simple', question, truth)).toThrow(message);
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

  /** Files for every category, each holding `records` renamed to its category. */
  async function writeCategories(records: (typeof record)[]): Promise<BfclDataFiles> {
    const files = {} as Record<BfclCategory, { questions: string; answers?: string }>;
    for (const category of BFCL_CATEGORIES) {
      const renamed = records.map((r) => ({ ...r, id: r.id.replace('simple_python', category) }));
      files[category] = { questions: join(dir, `${category}.jsonl`) };
      await writeFile(files[category].questions, renamed.map((r) => JSON.stringify(r)).join('\n'));
      if (category === 'irrelevance') continue;
      files[category].answers = join(dir, `${category}-answers.jsonl`);
      await writeFile(
        files[category].answers!,
        renamed.map((r) => JSON.stringify({ ...answer, id: r.id })).join('\n'),
      );
    }
    return files;
  }

  it('joins questions and answers by id, category by category, in the order of the questions', async () => {
    const files = await writeCategories([{ ...record, id: 'simple_python_1' }, record]);
    const tasks = await loadBfclTasks(files);
    expect(tasks.map((t) => `${t.category} ${t.id}`)).toEqual([
      'simple simple_1',
      'simple simple_0',
      'multiple multiple_1',
      'multiple multiple_0',
      'parallel parallel_1',
      'parallel parallel_0',
      'irrelevance irrelevance_1',
      'irrelevance irrelevance_0',
    ]);
    expect(tasks.at(-1)!.answer).toEqual([]);

    await writeFile(files.multiple.answers!, `${JSON.stringify({ ...answer, id: 'multiple_0' })}\n`);
    await expect(loadBfclTasks(files)).rejects.toThrow(
      `multiple_1: no possible answer in ${files.multiple.answers}`,
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

describe('splitByCategory', () => {
  const tasks: BfclTask[] = BFCL_CATEGORIES.flatMap((category) =>
    Array.from({ length: 30 }, (_, i) => ({
      id: `${category}_${i}`,
      category,
      question: [],
      functions: [],
      tools: [],
      answer: [],
    })),
  );
  const count = (list: readonly BfclTask[]) =>
    Object.fromEntries(BFCL_CATEGORIES.map((c) => [c, list.filter((t) => t.category === c).length]));

  it('gives every category an equal share of both sets, the first ones the remainder', () => {
    const split = splitByCategory(tasks, { seed: 5, heldOut: 10, learning: 6 });
    expect(count(split.heldOut)).toEqual({ simple: 3, multiple: 3, parallel: 2, irrelevance: 2 });
    expect(count(split.learning)).toEqual({ simple: 2, multiple: 2, parallel: 1, irrelevance: 1 });
    const held = new Set(split.heldOut.map((t) => t.id));
    expect(split.learning.some((t) => held.has(t.id))).toBe(false);
  });

  it('mixes the categories in every prefix of the pool, and is the same under the same seed', () => {
    const split = splitByCategory(tasks, { seed: 5, heldOut: 8, learning: 12 });
    expect(split.learning.slice(0, 4).map((t) => t.category)).toEqual([...BFCL_CATEGORIES]);
    expect(splitByCategory(tasks, { seed: 5, heldOut: 8, learning: 12 })).toEqual(split);
    expect(splitByCategory(tasks, { seed: 6, heldOut: 8, learning: 12 }).learning).not.toEqual(
      split.learning,
    );
  });

  it('refuses a split larger than a category', () => {
    expect(() => splitByCategory(tasks, { seed: 1, heldOut: 80, learning: 60 })).toThrow(
      'simple has 30 tasks, fewer than the split asks of it',
    );
  });
});
