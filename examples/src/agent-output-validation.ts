// The agent checks its own output as a production agent checks a model's tool calls before
// running them: JSON, a list of calls, each of a known function, with its required parameters,
// no others, the types its schema says. Each violation is its own error class with a fixed sentence; only what the
// model chose (a name it made up, a position in its text) varies, and it sits where Arc's message
// normaliser expects volatile values (after `got`, or a number), so one kind of mistake on one
// function is one pattern.

import type { JsonSchema } from './bfcl-schema.js';
import { type AgentCall, type AgentTool, callListText } from './tool-call-format.js';

export abstract class AgentOutputError extends Error {}

/** The output is not JSON; the message is JSON.parse's. */
export class AgentOutputParseError extends AgentOutputError {
  override readonly name = 'AgentOutputParseError';
}

/** JSON, but not a list of `{"name": ..., "arguments": {...}}`. */
export class AgentOutputShapeError extends AgentOutputError {
  override readonly name = 'AgentOutputShapeError';
  constructor(problem: string) {
    super(`output is not a list of function calls: ${problem}`);
  }
}

export class UnknownFunctionError extends AgentOutputError {
  override readonly name = 'UnknownFunctionError';
  readonly called: string;
  constructor(called: string, known: readonly string[]) {
    super(`function not found: expected one of ${known.map(quote).join(', ')}, got ${quote(called)}`);
    this.called = called;
  }
}

export class MissingParameterError extends AgentOutputError {
  override readonly name = 'MissingParameterError';
  readonly parameter: string;
  constructor(fn: string, parameter: string) {
    super(`missing required parameter ${quote(parameter)} of ${fn}`);
    this.parameter = parameter;
  }
}

export class UnknownParameterError extends AgentOutputError {
  override readonly name = 'UnknownParameterError';
  readonly parameter: string;
  constructor(fn: string, parameter: string) {
    super(`unknown parameter for ${fn}, got ${quote(parameter)}`);
    this.parameter = parameter;
  }
}

export class ParameterTypeError extends AgentOutputError {
  override readonly name = 'ParameterTypeError';
  readonly parameter: string;
  constructor(fn: string, parameter: string, expected: string, actual: string) {
    super(`invalid parameter ${quote(parameter)} of ${fn}: should be ${expected}, got ${actual}`);
    this.parameter = parameter;
  }
}

function quote(text: string): string {
  return JSON.stringify(text);
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON type of a value, as JSON Schema names it. */
export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function hasJsonType(value: unknown, type: string): boolean {
  const actual = jsonType(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

function pathOf(parent: string, key: string | number): string {
  return typeof key === 'number' ? `${parent}[${key}]` : parent === '' ? key : `${parent}.${key}`;
}

/** Checks `value` against `schema`, throwing the first violation as a typed error. */
function checkValue(fn: string, path: string, value: unknown, schema: JsonSchema): void {
  const { type, enum: allowed } = schema;
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? (type as string[]) : [];
  if (types.length > 0 && !types.some((t) => hasJsonType(value, t))) {
    throw new ParameterTypeError(fn, path, types.join(' or '), jsonType(value));
  }
  if (Array.isArray(allowed) && !allowed.some((a) => JSON.stringify(a) === JSON.stringify(value))) {
    throw new ParameterTypeError(
      fn,
      path,
      `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
      JSON.stringify(value),
    );
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    for (const [i, item] of value.entries()) checkValue(fn, pathOf(path, i), item, schema.items);
  }
  if (isObject(value) && (isObject(schema.properties) || schema.additionalProperties !== undefined)) {
    checkObject(fn, path, value, schema);
  }
}

/** Required keys first (in schema order), then unknown keys, then each value (in output order). */
function checkObject(fn: string, path: string, value: Json, schema: JsonSchema): void {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
  for (const name of required) {
    if (!Object.hasOwn(value, name)) throw new MissingParameterError(fn, pathOf(path, name));
  }
  const extra = schema.additionalProperties;
  for (const [key, item] of Object.entries(value)) {
    const known = Object.hasOwn(properties, key);
    if (!known && extra === false) throw new UnknownParameterError(fn, pathOf(path, key));
    const itemSchema = known ? properties[key] : extra;
    if (isObject(itemSchema)) checkValue(fn, pathOf(path, key), item, itemSchema);
  }
}

function parseCall(value: unknown, index: number): AgentCall {
  const at = `call ${index}`;
  if (!isObject(value))
    throw new AgentOutputShapeError(`${at} should be a JSON object, got ${jsonType(value)}`);
  if (!Object.hasOwn(value, 'name')) throw new AgentOutputShapeError(`${at} misses "name"`);
  if (typeof value.name !== 'string')
    throw new AgentOutputShapeError(`${at}: "name" should be a string, got ${jsonType(value.name)}`);
  if (!Object.hasOwn(value, 'arguments')) throw new AgentOutputShapeError(`${at} misses "arguments"`);
  if (!isObject(value.arguments)) {
    throw new AgentOutputShapeError(
      `${at}: "arguments" should be an object, got ${jsonType(value.arguments)}`,
    );
  }
  const extra = Object.keys(value).find((key) => key !== 'name' && key !== 'arguments');
  if (extra !== undefined)
    throw new AgentOutputShapeError(`${at} has an unexpected key, got ${quote(extra)}`);
  return { name: value.name, arguments: value.arguments };
}

/** Parses the model's text into calls (callListText's reading: a lone call is a list of one). */
export function parseAgentCalls(text: string): AgentCall[] {
  // Text in brackets that parses is a JSON array.
  let value: unknown[];
  try {
    value = JSON.parse(callListText(text)) as unknown[];
  } catch (error) {
    throw new AgentOutputParseError((error as Error).message);
  }
  return value.map(parseCall);
}

/**
 * The calls in the model's output text, checked against the tools the agent offered; throws an
 * AgentOutputError subclass naming the first violation. `[]` (no call) is a valid answer.
 */
export function validateAgentOutput(text: string, tools: readonly AgentTool[]): AgentCall[] {
  const calls = parseAgentCalls(text);
  for (const call of calls) {
    const tool = tools.find((t) => t.name === call.name);
    if (tool === undefined)
      throw new UnknownFunctionError(
        call.name,
        tools.map((t) => t.name),
      );
    checkObject(tool.name, '', call.arguments, tool.parameters);
  }
  return calls;
}
