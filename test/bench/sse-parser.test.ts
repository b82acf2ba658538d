import { describe, expect, it } from 'vitest';
import { parseDataset } from '../../core/bench/read-dataset.js';
import { SseParser } from '../../core/bench/sse-parser.js';
import { summarise, tpotOf } from '../../core/bench/summarise.js';
import type { RequestSample } from '../../schemas/bench-results.js';

const chunk = (content: string) =>
  `data: {"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}},"finish_reason":null}]}\n\n`;
const role = 'data: {"id":"x","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}\n\n';
const usage =
  'data: {"id":"x","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}\n\n';

describe('SSE parser', () => {
  it('does not count a role-only first chunk as content; reads usage and [DONE]', () => {
    const parser = new SseParser();
    parser.push(Buffer.from(role), 1);
    parser.push(Buffer.from(chunk(' a') + chunk(' "quoted"')), 5);
    parser.push(Buffer.from(`${usage}data: [DONE]\n\n`), 9);
    expect(parser.contentTimes).toEqual([5, 5]);
    expect(parser.usage).toEqual({ promptTokens: 3, completionTokens: 2 });
    expect(parser.done).toBe(true);
    expect(parser.malformed).toBeUndefined();
  });

  it('joins events split across reads at any byte, and reads CRLF streams', () => {
    const text = `${role + chunk('héllo') + chunk(' world') + usage}data: [DONE]\n\n`;
    const bytes = Buffer.from(text);
    for (const size of [1, 7, 64]) {
      const parser = new SseParser();
      for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size), i);
      expect(parser.contentTimes).toHaveLength(2);
      expect(parser.done).toBe(true);
    }
    const crlf = new SseParser();
    crlf.push(Buffer.from(text.replaceAll('\n', '\r\n')), 0);
    expect(crlf.contentTimes).toHaveLength(2);
    expect(crlf.done).toBe(true);
  });

  it('reports garbage and in-stream errors as malformed', () => {
    const garbage = new SseParser();
    garbage.push(Buffer.from('data: <html>oops</html>\n\n'), 0);
    expect(garbage.malformed).toMatch(/not JSON/);
    const error = new SseParser();
    error.push(Buffer.from('data: {"error":{"message":"out of memory"}}\n\n'), 0);
    expect(error.malformed).toMatch(/out of memory/);
  });

  it('takes keys only where they are keys, not inside a value, and sees content in any choice', () => {
    const parser = new SseParser();
    const tricky = JSON.stringify({ choices: [{ delta: { content: '"usage":{"x":1} "error": no' } }] });
    const second = JSON.stringify({ choices: [{ delta: { content: '' } }, { delta: { content: 'b' } }] });
    const emptyInside = JSON.stringify({ choices: [{ delta: { content: '', note: '"content":"x"' } }] });
    parser.push(Buffer.from(`data: ${tricky}\n\ndata: ${second}\n\ndata: ${emptyInside}\n\n`), 3);
    parser.push(Buffer.from('data: {"choices":[],"usage":{"completion_tokens":2}}\n'), 4);
    parser.push(Buffer.from('\ndata: [DONE]\n\n'), 5);
    expect(parser.malformed).toBeUndefined();
    expect(parser.contentTimes).toEqual([3, 3]);
    expect(parser.usage).toEqual({ completionTokens: 2, promptTokens: undefined });
    expect(parser.done).toBe(true);
  });

  it('reads in full what changed after a run of events that begin alike', () => {
    const parser = new SseParser();
    const event = (created: number, delta: string) =>
      `data: {"id":"a","created":${created},"choices":[{"delta":${delta}}]}\n\n`;
    parser.push(
      Buffer.from(
        event(1, '{"content":"x"}') +
          event(1, '{"content":"y"}') +
          event(1, '{"content":""}') +
          event(2, '{"content":"z"}'),
      ),
      1,
    );
    expect(parser.contentTimes).toEqual([1, 1, 1]);
    parser.push(Buffer.from('data: {"id":"a","created":2,"error":{"message":"gone"}}\n\n'), 2);
    expect(parser.malformed).toMatch(/gone/);
  });

  it('counts completions text chunks', () => {
    const parser = new SseParser();
    parser.push(Buffer.from('data: {"choices":[{"text":" a"}]}\n\ndata: {"choices":[{"text":""}]}\n\n'), 0);
    expect(parser.contentTimes).toHaveLength(1);
  });
});

describe('summary', () => {
  const sample = (over: Partial<RequestSample>): RequestSample => ({
    index: 0,
    scheduled_ms: 0,
    sent_ms: 0,
    first_token_ms: 100,
    end_ms: 190,
    ok: true,
    output_tokens: 10,
    input_tokens: 5,
    itl_ms: Array(9).fill(10),
    ...over,
  });

  it('TPOT is (E2EL − TTFT)/(N − 1)', () => {
    expect(tpotOf(sample({}))).toBe(10);
    expect(tpotOf(sample({ output_tokens: 1 }))).toBeUndefined();
  });

  it('keeps failures out of latencies, counts them by kind, and rates over first send → last completion', () => {
    const samples = [
      sample({ index: 0, sent_ms: 0, end_ms: 190 }),
      sample({ index: 1, sent_ms: 10, first_token_ms: 400, end_ms: 490 }),
      {
        index: 2,
        scheduled_ms: 0,
        sent_ms: 20,
        end_ms: 30,
        ok: false,
        status: 503,
        error: { kind: 'http' as const, status: 503, message: 'busy' },
      },
      {
        index: 3,
        scheduled_ms: 0,
        sent_ms: 20,
        end_ms: 900,
        ok: false,
        error: { kind: 'timeout' as const, message: 't' },
      },
    ];
    const s = summarise(samples, 'openai-chat', {
      load: { type: 'concurrency', concurrency: 2 },
      slo: { ttft_ms: 200 },
    });
    expect(s.completed).toBe(2);
    expect(s.failed).toBe(2);
    expect(s.errors).toEqual({ http_503: 1, timeout: 1 });
    expect(s.window_s).toBeCloseTo(0.49);
    expect(s.requests_per_s).toBeCloseTo(2 / 0.49);
    expect(s.output_tokens_per_s).toBeCloseTo(20 / 0.49);
    // Both requests' tokens fall in the run's first second.
    expect(s.peak_output_tokens_per_s).toBe(20);
    expect(s.ttft_ms!.n).toBe(2);
    expect(s.itl_ms!.n).toBe(18);
    expect(s.goodput_per_s).toBeCloseTo(1 / 0.49);
    expect(s.slo_attainment).toBe(0.25);
  });
});

describe('datasets', () => {
  it('names the file and line of every bad row', () => {
    expect(() => parseDataset('{"prompt":"a"}\nnot json\n{"x":1}\n', 'prompts.jsonl', 'openai-chat')).toThrow(
      /prompts\.jsonl:2: not valid JSON[\s\S]*prompts\.jsonl:3: a openai-chat row needs "prompt" or "messages"/,
    );
    expect(() => parseDataset('\n', 'empty.jsonl', 'rest')).toThrow(/no rows/);
  });
});
