// Which spans Arc takes as calls, what operation each is, and the function its outcome counts for.
// A tool execution counts for the tool; an agent or model call for the agent, with the operation,
// as `{operation} {agent}` (the span name the GenAI conventions give invoke_agent spans:
// semantic-conventions-genai docs/gen-ai/gen-ai-agent-spans.md). The agent is gen_ai.agent.name,
// else the AI SDK's telemetry functionId, else the resource's service.name (the caller's).

type Attributes = Record<string, unknown>;

export const EXECUTE_TOOL = 'execute_tool';

/** OpenInference span kinds (spec/semantic_conventions.md) as GenAI operations. */
const OPENINFERENCE_OPERATIONS: Record<string, string> = {
  TOOL: EXECUTE_TOOL,
  AGENT: 'invoke_agent',
  LLM: 'chat',
  EMBEDDING: 'embeddings',
  RETRIEVER: 'retrieval',
};

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * A span of a GenAI call by one of the conventions Arc reads (gen_ai.*, the AI SDK's ai.* spans,
 * OpenInference); other spans (HTTP, database, …) are not calls of an agent's functions.
 */
export function isGenAiSpan(attributes: Attributes): boolean {
  if ('ai.operationId' in attributes || 'openinference.span.kind' in attributes) return true;
  return Object.keys(attributes).some((key) => key.startsWith('gen_ai.') || key.startsWith('llm.'));
}

export function spanOperation(spanName: string, attributes: Attributes): string {
  const named = text(attributes['gen_ai.operation.name']);
  if (named !== undefined) return named;
  // The AI SDK names its operations itself (ai.generateText, ai.streamText.doStream, …); only its
  // tool call has a GenAI counterpart.
  const aiSdk = text(attributes['ai.operationId']);
  if (aiSdk !== undefined) return aiSdk === 'ai.toolCall' ? EXECUTE_TOOL : aiSdk;
  const kind = text(attributes['openinference.span.kind']);
  if (kind !== undefined) return OPENINFERENCE_OPERATIONS[kind.toUpperCase()] ?? kind.toLowerCase();
  return spanName.trim() === '' ? 'span' : spanName;
}

function toolName(spanName: string, attributes: Attributes): string {
  return (
    text(attributes['gen_ai.tool.name']) ??
    text(attributes['ai.toolCall.name']) ??
    text(attributes['tool.name']) ??
    text(attributes['tool_call.function.name']) ??
    (text(spanName) ? spanName : EXECUTE_TOOL)
  );
}

function agentName(attributes: Attributes, serviceName: string | undefined): string | undefined {
  return (
    text(attributes['gen_ai.agent.name']) ?? text(attributes['ai.telemetry.functionId']) ?? text(serviceName)
  );
}

export function spanFunction(
  spanName: string,
  operation: string,
  attributes: Attributes,
  serviceName: string | undefined,
): string {
  if (operation === EXECUTE_TOOL) return toolName(spanName, attributes);
  const agent = agentName(attributes, serviceName);
  return agent === undefined ? operation : `${operation} ${agent}`;
}
