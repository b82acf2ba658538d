import type { RequestSample } from '../../schemas/bench-results.js';
import type { Exchange, PreparedRequest } from './http-target.js';
import type { Dispatched } from './run-load.js';

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** One finished request as the results file keeps it: times as offsets from the measured start. */
export function requestSample(
  done: Dispatched<Exchange>,
  request: PreparedRequest,
  startedAt: number,
): RequestSample {
  const { result: exchange } = done;
  const at = (t: number) => round(Math.max(0, t - startedAt));
  const sample: RequestSample = {
    index: done.index,
    scheduled_ms: at(done.scheduledAt),
    sent_ms: at(exchange.sentAt),
    end_ms: at(exchange.endAt),
    ok: exchange.error === undefined,
  };
  if (exchange.status !== undefined) sample.status = exchange.status;
  if (exchange.error) sample.error = exchange.error;
  if (done.slotAt > done.dispatchedAt) sample.slot_wait_ms = round(done.slotAt - done.dispatchedAt);
  const input = exchange.usage?.promptTokens ?? request.inputTokens;
  if (input !== undefined) sample.input_tokens = input;
  const times = exchange.contentTimes;
  if (times && times.length > 0) {
    sample.first_token_ms = at(times[0]!);
    const gaps = new Array<number>(times.length - 1);
    for (let i = 1; i < times.length; i++) gaps[i - 1] = round(times[i]! - times[i - 1]!);
    sample.itl_ms = gaps;
  }
  if (exchange.usage?.completionTokens !== undefined) {
    sample.output_tokens = exchange.usage.completionTokens;
    sample.tokens_counted = false;
  } else if (times) {
    // No usage from the server: content chunks stand in for tokens, and the sample says so.
    sample.output_tokens = times.length;
    sample.tokens_counted = true;
  }
  if (request.inputs !== undefined) sample.inputs = request.inputs;
  if (request.audioS !== undefined) sample.audio_s = request.audioS;
  return sample;
}
