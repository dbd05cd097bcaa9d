// A local HTTP server speaking OpenAI's chat-completions format, for tests of the code that
// talks to such endpoints. It records every request and answers what the test's handler says.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface ScriptedReply {
  status?: number;
  /** Sent as is instead of a completion (with `status`). */
  raw?: string;
  content?: string | null;
  finishReason?: string;
  delayMs?: number;
}

export interface ChatCompletionsServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startChatCompletionsServer(
  reply: (body: Record<string, unknown>, request: RecordedRequest) => ScriptedReply,
): Promise<ChatCompletionsServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
      requests.push(recorded);
      const answer = reply(recorded.body, recorded);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        if (answer.raw !== undefined) return res.end(answer.raw);
        res.end(
          JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: 'chat.completion',
            created: 1,
            model: recorded.body.model,
            choices: [
              {
                index: 0,
                message: { role: 'assistant', content: answer.content ?? null },
                finish_reason: answer.finishReason ?? 'stop',
              },
            ],
            usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
          }),
        );
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
