/**
 * softmax(logits / temperature), numerically stable: the largest logit is subtracted before
 * exponentiating, so huge logits cannot overflow and the result sums to 1 up to rounding.
 */
export function softmax(logits: readonly number[], temperature = 1): number[] {
  if (!(Number.isFinite(temperature) && temperature > 0)) {
    throw new RangeError(`softmax temperature must be a finite number > 0, got ${temperature}`);
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) {
    const value = logits[i]!;
    if (!Number.isFinite(value)) throw new TypeError(`softmax logits[${i}] must be finite, got ${value}`);
    if (value > max) max = value;
  }
  const out = new Array<number>(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i]! - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}
