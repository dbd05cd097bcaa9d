import type { AnyFunction, TrackOptions } from './track.js';

type Track = <F extends AnyFunction, V>(name: string, fn: F, options?: TrackOptions<F, V>) => F;

/** `@arc.tracked('invoice.extract')`: a TC39 standard method decorator (TypeScript 5+, no experimentalDecorators). */
export type TrackedDecorator = <This, A extends unknown[], R, V = Awaited<R>>(
  name?: string,
  options?: TrackOptions<(this: This, ...args: A) => R, V>,
) => (
  method: (this: This, ...args: A) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>,
) => (this: This, ...args: A) => R;

/**
 * Builds the decorator over a `track` function. Without a name, the method's own name is used.
 * The method is wrapped once, when the class is defined; every instance shares it and `this` is
 * the instance the method is called on.
 */
export function trackedDecorator(track: Track): TrackedDecorator {
  return (name, options) => (method, context) => {
    if (context.kind !== 'method') throw new TypeError('@arc.tracked decorates class methods only');
    return track(name ?? String(context.name), method, options);
  };
}
