// A recorded call input as the chat messages a trainer prompts with (VERL's and TRL's `prompt`).
// The SDK records a call's arguments (an array) unless the host chose what to record, so the
// common shapes are recognised: a string, an OpenAI-style request (`messages`, with an optional
// `system`), an AI SDK prompt (`prompt` as a string or as messages with text parts). Anything
// else becomes one user message holding the input as JSON, so no recorded call is left out.

export interface ChatMessage {
  role: string;
  content: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A message's text: a string, or the text parts of a content array; undefined when it has none. */
function textOf(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((part) =>
    typeof part === 'string'
      ? [part]
      : isRecord(part) && part.type === 'text' && typeof part.text === 'string'
        ? [part.text]
        : [],
  );
  return texts.length === content.length && texts.length > 0 ? texts.join('') : undefined;
}

/** The messages of a list whose every item is a message with a role and text; else undefined. */
function messagesOf(list: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const messages: ChatMessage[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.role !== 'string') return undefined;
    const content = textOf(item.content);
    if (content === undefined) return undefined;
    messages.push({ role: item.role, content });
  }
  return messages;
}

function fromRequest(request: Record<string, unknown>): ChatMessage[] | undefined {
  if (typeof request.prompt === 'string') return [{ role: 'user', content: request.prompt }];
  const messages = messagesOf(request.messages) ?? messagesOf(request.prompt);
  if (messages === undefined) return undefined;
  const system = typeof request.system === 'string' ? request.system : undefined;
  return system !== undefined && messages[0]?.role !== 'system'
    ? [{ role: 'system', content: system }, ...messages]
    : messages;
}

export function chatMessages(input: unknown): ChatMessage[] {
  // A single argument stands for itself.
  const value = Array.isArray(input) && input.length === 1 ? input[0] : input;
  if (typeof value === 'string') return [{ role: 'user', content: value }];
  const messages = isRecord(value) ? fromRequest(value) : messagesOf(value);
  return messages ?? [{ role: 'user', content: JSON.stringify(value ?? null) }];
}
