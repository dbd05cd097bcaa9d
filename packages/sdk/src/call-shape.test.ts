import { describe, expect, it } from 'vitest';
import { pathCallShape } from './call-shape.js';

describe('pathCallShape', () => {
  const shape = pathCallShape<
    [{ messages: { role: string; content: string }[]; temperature?: number }, { timeout?: number }]
  >({
    messages: '0.messages',
    params: { temperature: '0.temperature', timeoutMs: '1.timeout' },
  });
  const args: Parameters<typeof shape.get>[0] = [
    {
      messages: [
        { role: 'system', content: 'Be helpful.' },
        { role: 'user', content: 'hi' },
      ],
      temperature: 1,
    },
    {},
  ];

  it('reads a leading system message as the system prompt', () => {
    expect(shape.get(args)).toEqual({
      system: 'Be helpful.',
      messages: [{ role: 'user', content: 'hi' }],
      params: { temperature: 1 },
    });
  });

  it('writes a changed call back as new arguments, leaving the originals alone', () => {
    const before = JSON.stringify(args);
    const call = shape.get(args);
    const out = shape.set(args, { ...call, system: 'Be terse.', params: { temperature: 0, timeoutMs: 500 } });
    expect(out).toEqual([
      {
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'hi' },
        ],
        temperature: 0,
      },
      { timeout: 500 },
    ]);
    expect(JSON.stringify(args)).toBe(before);
    expect(out[0].messages[1]).toBe(args[0].messages[1]);
  });

  it('adds a system message where there was none', () => {
    const plain: typeof args = [{ messages: [{ role: 'user', content: 'hi' }] }, {}];
    const out = shape.set(plain, { ...shape.get(plain), system: 'S' });
    expect(out[0].messages).toEqual([
      { role: 'system', content: 'S' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('puts the system prompt ahead of a lone prompt and creates missing containers', () => {
    const promptShape = pathCallShape<[string, { opts?: { model?: string } }?]>({
      prompt: '0',
      params: { model: '1.opts.model' },
    });
    const out = promptShape.set(['Question?'], {
      system: 'Rules.',
      prompt: 'Question?',
      params: { model: 'm2' },
    });
    expect(out).toEqual(['Rules.\n\nQuestion?', { opts: { model: 'm2' } }]);
  });

  it('keeps class instances on their prototype', () => {
    class Request {
      constructor(public prompt: string) {}
      describe() {
        return `request: ${this.prompt}`;
      }
    }
    const classShape = pathCallShape<[Request]>({ prompt: '0.prompt' });
    const [copy] = classShape.set([new Request('a')], { prompt: 'b', params: {} });
    expect(copy.describe()).toBe('request: b');
  });

  it('rejects paths that could reach prototypes', () => {
    expect(() => pathCallShape({ prompt: '0.__proto__.x' })).toThrow(TypeError);
    expect(() => pathCallShape({ prompt: '0..x' })).toThrow(TypeError);
  });
});
