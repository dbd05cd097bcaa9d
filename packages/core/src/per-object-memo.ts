// A function's value computed once per object it is given, kept as long as that object lives: for
// values derived from immutable inputs that many callers share (a learner hands every pattern of a
// function the same successes array). Keys are objects, so nothing outlives its input.

export function memoizePerObject<K extends object, V>(compute: (key: K) => V): (key: K) => V {
  const values = new WeakMap<K, V>();
  return (key) => {
    if (values.has(key)) return values.get(key) as V;
    const value = compute(key);
    values.set(key, value);
    return value;
  };
}
