import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startChatLlm } from '../support/chat-llm-server.js';

describe("chat-llm's own timing record (GET /timing)", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startChatLlm({ 'ttft-ms': 20, 'tpot-ms': 2 });
  });
  afterAll(() => server.stop());

  it('records each streamed request from arrival to first token, and each token past its deadline', async () => {
    await fetch(`${server.url}/timing?reset=1`);
    const response = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a b', max_tokens: 5, stream: true }),
    });
    await response.text();
    const timing = (await (await fetch(`${server.url}/timing?reset=1`)).json()) as {
      first_token_ms: { n: number; p50: number };
      late_ms: { n: number; p50: number; max: number };
    };
    expect(timing.first_token_ms.n).toBe(1);
    expect(timing.first_token_ms.p50).toBeGreaterThanOrEqual(20);
    expect(timing.late_ms.n).toBe(5);
    expect(timing.late_ms.p50).toBeGreaterThanOrEqual(0);
    const cleared = (await (await fetch(`${server.url}/timing`)).json()) as { late_ms: { n: number } };
    expect(cleared.late_ms.n).toBe(0);
  });
});
