// BFCL's simple function-calling tasks: the question and function of each (data/*.json) joined
// by id with its possible answers (data/possible_answer/*.json), both JSON lines.

import { readFile } from 'node:fs/promises';
import { type RandomSeed, SeededRandom } from '@arc-agent/core';
import { type BfclParameterSchema, bfclToJsonSchema, parseBfclParameterSchema } from './bfcl-schema.js';
import type { BfclDataFiles } from './fetch-assets.js';
import type { AgentTool } from './tool-call-format.js';

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
 * The ground truth: for each parameter, the values BFCL accepts; `""` among them means the
 * parameter may be left out.
 */
export interface BfclPossibleAnswer {
  function: string;
  params: Record<string, unknown[]>;
}

export interface BfclTask {
  id: string;
  /** The conversation before the call (BFCL's turns, flattened; one user message in the simple set). */
  question: BfclMessage[];
  function: BfclFunction;
  /** The same function with its parameters as JSON Schema. */
  tool: AgentTool;
  answer: BfclPossibleAnswer;
}

export class BfclDataError extends Error {
  override readonly name = 'BfclDataError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses JSON lines, naming the file and line of a bad one. */
export function parseJsonLines(text: string, source: string): unknown[] {
  const records: unknown[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
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

function parseFunction(value: unknown, id: string): BfclFunction {
  if (!Array.isArray(value) || value.length !== 1) {
    throw new BfclDataError(`${id}: a simple task has exactly one function`);
  }
  const fn = value[0];
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

function parseAnswer(value: unknown, id: string): BfclPossibleAnswer {
  const truth = isRecord(value) ? value.ground_truth : undefined;
  if (
    !Array.isArray(truth) ||
    truth.length !== 1 ||
    !isRecord(truth[0]) ||
    Object.keys(truth[0]).length !== 1
  ) {
    throw new BfclDataError(`${id}: ground_truth must hold exactly one call`);
  }
  const [name, params] = Object.entries(truth[0])[0]!;
  if (!isRecord(params) || Object.values(params).some((allowed) => !Array.isArray(allowed))) {
    throw new BfclDataError(`${id}: each parameter of the ground truth must list its allowed values`);
  }
  return { function: name, params: params as Record<string, unknown[]> };
}

/** One task from its question record and its possible-answer record. */
export function parseBfclTask(record: unknown, answerRecord: unknown): BfclTask {
  if (!isRecord(record) || typeof record.id !== 'string')
    throw new BfclDataError('a task needs a string "id"');
  const { id } = record;
  const fn = parseFunction(record.function, id);
  const answer = parseAnswer(answerRecord, id);
  if (answer.function !== fn.name) {
    throw new BfclDataError(`${id}: the ground truth calls ${answer.function}, the task offers ${fn.name}`);
  }
  return {
    id,
    question: parseQuestion(record.question, id),
    function: fn,
    tool: { name: fn.name, description: fn.description, parameters: bfclToJsonSchema(fn.parameters) },
    answer,
  };
}

/** All tasks of the files, in the order of the questions file; every task must have its answer. */
export async function loadBfclTasks(files: BfclDataFiles): Promise<BfclTask[]> {
  const questions = parseJsonLines(await readFile(files.questions, 'utf8'), files.questions);
  const answers = new Map<unknown, unknown>();
  for (const record of parseJsonLines(await readFile(files.answers, 'utf8'), files.answers)) {
    if (isRecord(record)) answers.set(record.id, record);
  }
  return questions.map((record) => {
    const id = isRecord(record) ? record.id : undefined;
    if (!answers.has(id)) throw new BfclDataError(`${String(id)}: no possible answer in ${files.answers}`);
    return parseBfclTask(record, answers.get(id));
  });
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
