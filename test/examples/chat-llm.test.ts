import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startChatLlm } from '../support/chat-llm-server.js';

describe('examples/chat-llm answers the official openai client', () => {
  let server: RunningServer;
  let client: OpenAI;

  beforeAll(async () => {
    server = await startChatLlm({ 'ttft-ms': 40, 'tpot-ms': 5, 'max-num-seqs': 2 });
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => server.stop());

  it('lists its model', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['chat-llm']);
  });

  it('streams a chat completion: role chunk first, one chunk per token, usage, deterministic text', async () => {
    const ask = async () => {
      const stream = await client.chat.completions.create({
        model: 'chat-llm',
        messages: [{ role: 'user', content: 'tell me about gates and releases' }],
        max_tokens: 12,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      return chunks;
    };
    const chunks = await ask();
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' });
    const content = chunks.flatMap((c) => c.choices.map((choice) => choice.delta.content ?? ''));
    expect(content.filter((text) => text !== '')).toHaveLength(12);
    const usage = chunks.at(-1)!.usage;
    expect(usage).toEqual({ prompt_tokens: 6, completion_tokens: 12, total_tokens: 18 });
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe('length');
    const again = (await ask()).flatMap((c) => c.choices.map((choice) => choice.delta.content ?? ''));
    expect(again.join('')).toBe(content.join(''));
  });

  it('answers a chat completion without streaming, after TTFT + (n−1) × TPOT', async () => {
    const started = performance.now();
    const answer = await client.chat.completions.create({
      model: 'chat-llm',
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 9,
    });
    const elapsed = performance.now() - started;
    expect(answer.choices[0]!.message.content!.trim().split(/\s+/)).toHaveLength(9);
    expect(answer.usage).toEqual({ prompt_tokens: 1, completion_tokens: 9, total_tokens: 10 });
    expect(elapsed).toBeGreaterThanOrEqual(40 + 8 * 5);
    expect(elapsed).toBeLessThan(40 + 8 * 5 + 60);
  });

  it('streams and answers plain completions', async () => {
    const stream = await client.completions.create({
      model: 'chat-llm',
      prompt: 'once upon a time',
      max_tokens: 5,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.text ?? '';
      usage = chunk.usage ?? usage;
    }
    expect(usage?.completion_tokens).toBe(5);
    const whole = await client.completions.create({
      model: 'chat-llm',
      prompt: 'once upon a time',
      max_tokens: 5,
    });
    expect(whole.choices[0]!.text).toBe(text);
  });

  it('queues requests beyond its sequence limit: the third of three waits for a slot', async () => {
    const one = async () => {
      const started = performance.now();
      await client.completions.create({ model: 'chat-llm', prompt: 'x', max_tokens: 1 });
      return performance.now() - started;
    };
    const times = (await Promise.all([one(), one(), one()])).sort((a, b) => a - b);
    expect(times[1]!).toBeLessThan(75);
    expect(times[2]!).toBeGreaterThanOrEqual(80);
  });

  it('rejects a malformed request with 400 and an OpenAI error body', async () => {
    await expect(client.chat.completions.create({ model: 'chat-llm', messages: [] })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('fails the configured fraction of requests, reproducibly', async () => {
    const flaky = await startChatLlm({ 'ttft-ms': 0, 'tpot-ms': 0, 'error-rate': 0.3, seed: 7 });
    try {
      const plain = new OpenAI({ baseURL: `${flaky.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      let failed = 0;
      for (let i = 0; i < 200; i++) {
        await plain.completions
          .create({ model: 'chat-llm', prompt: 'x', max_tokens: 1 })
          .catch(() => failed++);
      }
      expect(failed).toBeGreaterThan(40);
      expect(failed).toBeLessThan(80);
    } finally {
      await flaky.stop();
    }
  });
});
