import { describe, expect, it } from 'vitest';
import { chatMessages } from './chat-messages.js';

describe('chatMessages', () => {
  it('takes a string, alone or as the only argument, as the user message', () => {
    expect(chatMessages('What is 2 + 2?')).toEqual([{ role: 'user', content: 'What is 2 + 2?' }]);
    expect(chatMessages(['What is 2 + 2?'])).toEqual([{ role: 'user', content: 'What is 2 + 2?' }]);
  });

  it('takes an OpenAI-style request, its system prompt first', () => {
    const request = {
      model: 'm',
      system: 'Answer with JSON.',
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'he' },
            { type: 'text', text: 'llo' },
          ],
        },
      ],
    };
    expect(chatMessages([request])).toEqual([
      { role: 'system', content: 'Answer with JSON.' },
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
    ]);
    const withSystem = { system: 'ignored', messages: [{ role: 'system', content: 'kept' }] };
    expect(chatMessages(withSystem)).toEqual([{ role: 'system', content: 'kept' }]);
  });

  it('takes an AI SDK prompt, as text or as messages', () => {
    expect(chatMessages({ prompt: 'Summarise this.' })).toEqual([
      { role: 'user', content: 'Summarise this.' },
    ]);
    expect(chatMessages({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] })).toEqual([
      { role: 'user', content: 'x' },
    ]);
  });

  it('writes anything else as one user message holding the input as JSON', () => {
    expect(chatMessages({ taskId: 't1', question: 'q' })).toEqual([
      { role: 'user', content: '{"taskId":"t1","question":"q"}' },
    ]);
    expect(chatMessages(['a', 2])).toEqual([{ role: 'user', content: '["a",2]' }]);
    expect(chatMessages(null)).toEqual([{ role: 'user', content: 'null' }]);
    expect(chatMessages(undefined)).toEqual([{ role: 'user', content: 'null' }]);
    // Not every item is a message with text: the whole input, as JSON.
    const image = { messages: [{ role: 'user', content: [{ type: 'image', url: 'u' }] }] };
    expect(chatMessages(image)).toEqual([{ role: 'user', content: JSON.stringify(image) }]);
    expect(chatMessages({ messages: [] })).toEqual([{ role: 'user', content: '{"messages":[]}' }]);
  });
});
