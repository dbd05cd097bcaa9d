// Where the prompt, conversation and parameters of a call live in a generic function's
// arguments, so fixes can be applied to functions Arc has no integration for.

import type { CallParams } from '@arc-agent/core';
import type { NormalizedCall, NormalizedMessage } from './normalized-call.js';

/**
 * Reads a function's arguments as a normalized call, and writes a changed call back as new
 * arguments. `set` must not mutate `args`: the caller's objects belong to the caller.
 */
export interface CallShape<A extends readonly unknown[] = unknown[]> {
  get(args: A): NormalizedCall;
  set(args: A, call: NormalizedCall): A;
}

/**
 * Dotted paths into the arguments array: `'0.messages'` is the `messages` property of the first
 * argument, `'1.options.temperature'` a nested one. Numeric segments index arrays.
 */
export interface CallPaths {
  system?: string;
  /** Messages as `{ role, content }`; a leading system message counts as the system prompt when no `system` path is given. */
  messages?: string;
  prompt?: string;
  responseFormat?: string;
  params?: { [K in keyof CallParams]?: string };
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

function readPath(root: unknown, segments: readonly string[]): unknown {
  let node = root;
  for (const segment of segments) {
    if (!isContainer(node)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function shallowCopy(value: unknown, nextSegment: string): Container {
  if (Array.isArray(value)) return value.slice();
  if (isContainer(value)) return Object.assign(Object.create(Object.getPrototypeOf(value)) as object, value);
  return /^\d+$/.test(nextSegment) ? [] : {};
}

/** A copy of `root` with `value` at the path; only the containers along the path are copied. */
function writePath(root: unknown, segments: readonly string[], value: unknown): unknown {
  const [head, ...rest] = segments;
  if (head === undefined) return value;
  const copy = shallowCopy(root, head) as Record<string, unknown>;
  copy[head] = writePath(
    isContainer(root) ? (root as Record<string, unknown>)[head] : undefined,
    rest,
    value,
  );
  return copy;
}

function split(path: string): string[] {
  const segments = path.split('.');
  if (segments.some((s) => s === '' || s === '__proto__' || s === 'constructor' || s === 'prototype')) {
    throw new TypeError(`invalid call shape path '${path}'`);
  }
  return segments;
}

function isSystemMessage(message: unknown): message is { role: 'system'; content: string } {
  return (
    isContainer(message) &&
    (message as Partial<NormalizedMessage>).role === 'system' &&
    typeof (message as Partial<NormalizedMessage>).content === 'string'
  );
}

/** A call shape from dotted paths into the arguments. */
export function pathCallShape<A extends readonly unknown[] = unknown[]>(paths: CallPaths): CallShape<A> {
  const system = paths.system === undefined ? undefined : split(paths.system);
  const messages = paths.messages === undefined ? undefined : split(paths.messages);
  const prompt = paths.prompt === undefined ? undefined : split(paths.prompt);
  const responseFormat = paths.responseFormat === undefined ? undefined : split(paths.responseFormat);
  const params = Object.entries(paths.params ?? {}).map(
    ([key, path]) => [key as keyof CallParams, split(path)] as const,
  );
  const systemInMessages = system === undefined && messages !== undefined;

  return {
    get(args) {
      const call: NormalizedCall = { params: {} };
      if (system !== undefined) {
        const value = readPath(args, system);
        if (typeof value === 'string') call.system = value;
      }
      if (messages !== undefined) {
        const value = readPath(args, messages);
        if (Array.isArray(value)) {
          const list = value as NormalizedMessage[];
          if (systemInMessages && isSystemMessage(list[0])) {
            call.system = list[0].content;
            call.messages = list.slice(1);
          } else {
            call.messages = list;
          }
        }
      }
      if (prompt !== undefined) {
        const value = readPath(args, prompt);
        if (typeof value === 'string') call.prompt = value;
      }
      for (const [key, path] of params) {
        const value = readPath(args, path);
        if (value !== undefined) (call.params as Record<string, unknown>)[key] = value;
      }
      return call;
    },

    set(args, call) {
      let out: unknown = args;
      if (system !== undefined && call.system !== undefined) out = writePath(out, system, call.system);
      if (
        messages !== undefined &&
        (call.messages !== undefined || (systemInMessages && call.system !== undefined))
      ) {
        const list = call.messages ?? [];
        const full =
          systemInMessages && call.system !== undefined
            ? [{ role: 'system', content: call.system }, ...list]
            : list;
        out = writePath(out, messages, full);
      }
      if (prompt !== undefined && call.prompt !== undefined) {
        // With nowhere else to put it, a system prompt goes ahead of the prompt text.
        const text =
          system === undefined && messages === undefined && call.system !== undefined
            ? `${call.system}\n\n${call.prompt}`
            : call.prompt;
        out = writePath(out, prompt, text);
      }
      if (responseFormat !== undefined && call.responseFormat !== undefined) {
        out = writePath(out, responseFormat, call.responseFormat);
      }
      for (const [key, path] of params) {
        const value = call.params[key];
        if (value !== undefined) out = writePath(out, path, value);
      }
      return out as A;
    },
  };
}
