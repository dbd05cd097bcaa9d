// How deep a JSON value nests, found without recursion: a request body can nest deeper than any
// recursive walk (JSON.stringify, canonical JSON, schema checks) can follow without overflowing
// the stack, so it is measured with a loop before anything recursive sees it.

interface Frame {
  container: object;
  /** An object's keys; null for an array, whose indices are counted instead. */
  keys: readonly string[] | null;
  next: number;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function frameOf(container: object): Frame {
  return { container, keys: Array.isArray(container) ? null : Object.keys(container), next: 0 };
}

/**
 * The keys and indices leading to the first object or array that sits deeper than `maxDepth`
 * levels in `value` (the top level is level 1), or undefined when none does. For JSON data: plain
 * objects and arrays, as JSON.parse makes them.
 */
export function pathDeeperThan(value: unknown, maxDepth: number): (string | number)[] | undefined {
  if (!isContainer(value)) return undefined;
  if (maxDepth < 1) return [];
  const frames: Frame[] = [frameOf(value)];
  // The key of each frame but the first, in its parent: path.length === frames.length - 1.
  const path: (string | number)[] = [];
  while (frames.length > 0) {
    const top = frames[frames.length - 1]!;
    const size = top.keys === null ? (top.container as unknown[]).length : top.keys.length;
    if (top.next >= size) {
      frames.pop();
      path.pop();
      continue;
    }
    const key = top.keys === null ? top.next : top.keys[top.next]!;
    top.next++;
    const child = (top.container as Record<string | number, unknown>)[key];
    if (!isContainer(child)) continue;
    path.push(key);
    if (frames.length + 1 > maxDepth) return path;
    frames.push(frameOf(child));
  }
  return undefined;
}
