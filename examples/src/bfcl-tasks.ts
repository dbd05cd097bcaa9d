// BFCL's single-turn function-calling tasks of several categories: the question and functions of
// each (data/*.json) joined by id with its possible answers (data/possible_answer/*.json), both
// JSON lines. Irrelevance tasks have no answer file: no call is the right answer.
//
// Possible answers are read as Python reads them (python-json.ts), so a ground truth written 2.0
// stays a float for the checker.

import { readFile } from 'node:fs/promises';
import { type RandomSeed, SeededRandom } from '@arc-agent/core';
import { type BfclParameterSchema, bfclToJsonSchema, parseBfclParameterSchema } from './bfcl-schema.js';
import { parsePythonJson } from './python-json.js';
import type { AgentTool } from './tool-call-format.js';

/**
 * BFCL's categories the demo draws from: one call of one function (`simple`), one call choosing
 * among several functions (`multiple`), several calls of one function (`parallel`), and questions
 * none of the functions can answer (`irrelevance`).
 */
export const BFCL_CATEGORIES = ['simple', 'multiple', 'parallel', 'irrelevance'] as const;
export type BfclCategory = (typeof BFCL_CATEGORIES)[number];

export interface BfclMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A function as BFCL documents it; the checker reads BFCL's own type names from it. */
export interface BfclFunction {
  name: string;
  description: string;
  parameters: BfclParameterSchema & { type: 'dict'; properties: Record<string, BfclParameterSchema> };
}

/**
 * One expected call: for each parameter, the values BFCL accepts; `""` among them means the
 * parameter may be left out.
 */
export interface BfclPossibleAnswer {
  function: string;
  params: Record<string, unknown[]>;
}

export interface BfclTask {
  id: string;
  category: BfclCategory;
  /** The conversation before the call (BFCL's turns, flattened; one user message in these sets). */
  question: BfclMessage[];
  /** The functions offered. */
  functions: BfclFunction[];
  /** The same functions with their parameters as JSON Schema. */
  tools: AgentTool[];
  /** The expected calls (in any order for parallel tasks); none for irrelevance. */
  answer: BfclPossibleAnswer[];
}

/** Where one category's records are: questions, and possible answers except for irrelevance. */
export interface BfclCategoryFiles {
  questions: string;
  answers?: string;
}

export type BfclDataFiles = Readonly<Record<BfclCategory, BfclCategoryFiles>>;

export class BfclDataError extends Error {
  override readonly name = 'BfclDataError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses JSON lines (as Python reads JSON), naming the file and line of a bad one. */
export function parseJsonLines(text: string, source: string): unknown[] {
  const records: unknown[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(parsePythonJson(line));
    } catch (error) {
      throw new BfclDataError(`${source}:${i + 1}: ${(error as Error).message}`);
    }
  }
  return records;
}

function parseQuestion(value: unknown, id: string): BfclMessage[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new BfclDataError(`${id}: "question" must be a list of turns`);
  return value.flatMap((turn, t) => {
    if (!Array.isArray(turn)) throw new BfclDataError(`${id}: question turn ${t} must be a list of messages`);
    return turn.map((message, m) => {
      const role = isRecord(message) ? message.role : undefined;
      if (
        !isRecord(message) ||
        typeof message.content !== 'string' ||
        !['system', 'user', 'assistant'].includes(String(role))
      ) {
        throw new BfclDataError(`${id}: question[${t}][${m}] must be { role, content }`);
      }
      return { role: role as BfclMessage['role'], content: message.content };
    });
  });
}

function parseFunction(fn: unknown, id: string): BfclFunction {
  if (!isRecord(fn) || typeof fn.name !== 'string' || fn.name === '') {
    throw new BfclDataError(`${id}: function needs a "name"`);
  }
  let parameters: BfclParameterSchema;
  try {
    parameters = parseBfclParameterSchema(fn.parameters, 'parameters');
  } catch (error) {
    throw new BfclDataError(`${id}: ${(error as Error).message}`);
  }
  if (parameters.type !== 'dict' || parameters.properties === undefined) {
    throw new BfclDataError(`${id}: parameters must be a dict with properties`);
  }
  return {
    name: fn.name,
    description: typeof fn.description === 'string' ? fn.description : '',
    parameters: {
      ...parameters,
      type: 'dict',
      properties: parameters.properties,
      required: parameters.required ?? [],
    },
  };
}

function parseFunctions(value: unknown, id: string, category: BfclCategory): BfclFunction[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BfclDataError(`${id}: "function" must be a non-empty list`);
  }
  if ((category === 'simple' || category === 'parallel') && value.length !== 1) {
    throw new BfclDataError(`${id}: a ${category} task offers exactly one function`);
  }
  return value.map((fn) => parseFunction(fn, id));
}

function parseAnswer(value: unknown, id: string, functions: readonly BfclFunction[]): BfclPossibleAnswer[] {
  const truth = isRecord(value) ? value.ground_truth : undefined;
  if (!Array.isArray(truth) || truth.length === 0) {
    throw new BfclDataError(`${id}: ground_truth must list at least one call`);
  }
  return truth.map((call, i) => {
    if (!isRecord(call) || Object.keys(call).length !== 1) {
      throw new BfclDataError(`${id}: ground_truth[${i}] must be one { function: params } pair`);
    }
    const [name, params] = Object.entries(call)[0]!;
    if (!functions.some((fn) => fn.name === name)) {
      throw new BfclDataError(`${id}: the ground truth calls ${name}, which the task does not offer`);
    }
    if (!isRecord(params) || Object.values(params).some((allowed) => !Array.isArray(allowed))) {
      throw new BfclDataError(`${id}: each parameter of the ground truth must list its allowed values`);
    }
    return { function: name, params: params as Record<string, unknown[]> };
  });
}

/**
 * One task from its question record and, except for irrelevance, its possible-answer record.
 * Simple and multiple tasks expect one call; parallel tasks one or more.
 */
export function parseBfclTask(category: BfclCategory, record: unknown, answerRecord?: unknown): BfclTask {
  if (!isRecord(record) || typeof record.id !== 'string')
    throw new BfclDataError('a task needs a string "id"');
  const { id } = record;
  const functions = parseFunctions(record.function, id, category);
  let answer: BfclPossibleAnswer[] = [];
  if (category !== 'irrelevance') {
    answer = parseAnswer(answerRecord, id, functions);
    if (category !== 'parallel' && answer.length !== 1) {
      throw new BfclDataError(`${id}: a ${category} task expects exactly one call`);
    }
  }
  return {
    id,
    category,
    question: parseQuestion(record.question, id),
    functions,
    tools: functions.map((fn) => ({
      name: fn.name,
      description: fn.description,
      parameters: bfclToJsonSchema(fn.parameters),
    })),
    answer,
  };
}

async function loadCategory(category: BfclCategory, files: BfclCategoryFiles): Promise<BfclTask[]> {
  const questions = parseJsonLines(await readFile(files.questions, 'utf8'), files.questions);
  if (category === 'irrelevance') return questions.map((record) => parseBfclTask(category, record));
  if (files.answers === undefined) throw new BfclDataError(`${category}: no possible-answer file`);
  const answers = new Map<unknown, unknown>();
  for (const record of parseJsonLines(await readFile(files.answers, 'utf8'), files.answers)) {
    if (isRecord(record)) answers.set(record.id, record);
  }
  return questions.map((record) => {
    const id = isRecord(record) ? record.id : undefined;
    if (!answers.has(id)) throw new BfclDataError(`${String(id)}: no possible answer in ${files.answers}`);
    return parseBfclTask(category, record, answers.get(id));
  });
}

/** All tasks of the files, category by category in BFCL_CATEGORIES order, each in its file's order. */
export async function loadBfclTasks(files: BfclDataFiles): Promise<BfclTask[]> {
  const all: BfclTask[] = [];
  for (const category of BFCL_CATEGORIES) all.push(...(await loadCategory(category, files[category])));
  return all;
}

export interface TaskSplit<T> {
  learning: T[];
  heldOut: T[];
}

/**
 * Splits tasks into a learning pool and a held-out set of `heldOut` tasks, chosen uniformly at
 * random under `seed` (a partial Fisher-Yates shuffle). Both keep the input order.
 */
export function splitTasks<T>(
  tasks: readonly T[],
  options: { seed: RandomSeed; heldOut: number },
): TaskSplit<T> {
  const { heldOut } = options;
  if (!Number.isInteger(heldOut) || heldOut < 0 || heldOut > tasks.length) {
    throw new RangeError(`heldOut must be an integer from 0 to ${tasks.length}, got ${heldOut}`);
  }
  const random = new SeededRandom(options.seed);
  const order = tasks.map((_, i) => i);
  for (let i = 0; i < heldOut; i++) {
    const j = i + random.nextInt(order.length - i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const chosen = new Set(order.slice(0, heldOut));
  return {
    learning: tasks.filter((_, i) => !chosen.has(i)),
    heldOut: tasks.filter((_, i) => chosen.has(i)),
  };
}

/**
 * A held-out set and a learning pool with the categories in equal shares (the first categories
 * get one more where a count does not divide): each category is split with `splitTasks` under
 * its own seed, and the pool's tasks are drawn at random under `seed`, in rounds of one per
 * category, so that any prefix of the pool mixes the categories too.
 */
export function splitByCategory(
  tasks: readonly BfclTask[],
  options: { seed: number; heldOut: number; learning: number },
): TaskSplit<BfclTask> {
  const categories = BFCL_CATEGORIES.filter((c) => tasks.some((t) => t.category === c));
  const share = (total: number, i: number) =>
    Math.floor(total / categories.length) + (i < total % categories.length ? 1 : 0);
  const heldOut: BfclTask[] = [];
  const pools: BfclTask[][] = [];
  for (const [i, category] of categories.entries()) {
    const own = tasks.filter((t) => t.category === category);
    const want = share(options.heldOut, i);
    if (want + share(options.learning, i) > own.length) {
      throw new RangeError(`${category} has ${own.length} tasks, fewer than the split asks of it`);
    }
    const split = splitTasks(own, { seed: `${options.seed}:${category}`, heldOut: want });
    heldOut.push(...split.heldOut);
    // The pool of each category in a seeded order (a held-out split of all of it is a shuffle).
    const random = new SeededRandom(`${options.seed}:${category}:pool`);
    const pool = [...split.learning];
    for (let j = pool.length - 1; j > 0; j--) {
      const k = random.nextInt(j + 1);
      [pool[j], pool[k]] = [pool[k]!, pool[j]!];
    }
    pools.push(pool.slice(0, share(options.learning, i)));
  }
  const learning: BfclTask[] = [];
  for (let round = 0; learning.length < options.learning; round++) {
    for (const pool of pools) if (round < pool.length) learning.push(pool[round]!);
  }
  return { heldOut, learning };
}
