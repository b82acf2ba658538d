import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../core/bench/resolve-profile.js';
import { MAX_SWEEP_STEPS, nextSweepRate, type SweepLoad, sweepBracket } from '../../core/bench/sweep-plan.js';

const load = (over: Partial<SweepLoad> = {}): SweepLoad => ({
  type: 'sweep',
  start_rate: 10,
  arrivals: 'constant',
  precision: 0.1,
  min_attainment: 0.95,
  ...over,
});

/** Drives the decision against a server that meets the SLOs exactly up to `capacity`. */
function sweepAgainst(capacity: number, l: SweepLoad) {
  const steps: { offered_rate: number; met: boolean }[] = [];
  for (;;) {
    const decision = nextSweepRate(l, steps);
    if ('stop' in decision) return { ...decision, rates: steps.map((s) => s.offered_rate) };
    steps.push({ offered_rate: decision.next, met: decision.next <= capacity });
  }
}

describe('sweep decisions', () => {
  it('doubles from start_rate, then bisects to the stated precision', () => {
    const result = sweepAgainst(100, load());
    expect(result.rates.slice(0, 5)).toEqual([10, 20, 40, 80, 160]);
    expect(result.rates[5]).toBe(120);
    expect(result.knee).toBeLessThanOrEqual(100);
    expect(result.failing! - result.knee!).toBeLessThanOrEqual(0.1 * result.knee!);
    expect(result.knee).toBeGreaterThanOrEqual(100 / 1.1);
    expect(result.stop).toMatch(/within 10%/);
  });

  it('stops at max_rate when every step meets the SLOs', () => {
    const result = sweepAgainst(1e9, load({ max_rate: 50 }));
    expect(result.rates).toEqual([10, 20, 40, 50]);
    expect(result).toMatchObject({ knee: 50, failing: undefined });
  });

  it('halves below start_rate when it already fails, and gives up at a floor', () => {
    expect(sweepAgainst(3, load()).rates).toEqual([10, 5, 2.5, 3.75, 3.125, 2.8125, 2.96875]);
    const none = sweepAgainst(0, load());
    expect(none.knee).toBeUndefined();
    expect(none.stop).toMatch(/no rate/);
    expect(none.rates).toEqual([10, 5, 2.5, 1.25, 0.625]);
  });

  it('keeps the knee below the lowest failure when noise makes a higher rate pass', () => {
    expect(
      sweepBracket([
        { offered_rate: 40, met: true },
        { offered_rate: 80, met: false },
        { offered_rate: 60, met: false },
        { offered_rate: 70, met: true },
      ]),
    ).toEqual({ low: 40, high: 60 });
  });

  it('never runs forever', () => {
    const steps = Array.from({ length: MAX_SWEEP_STEPS }, (_, i) => ({ offered_rate: 2 ** i, met: true }));
    expect(nextSweepRate(load(), steps)).toMatchObject({ stop: expect.stringMatching(/steps/) });
  });

  it('reads --sweep flags into a sweep profile that needs SLOs', () => {
    const profile = resolveProfile({
      kind: 'openai-chat',
      sweep: true,
      rate: 5,
      maxRate: 200,
      arrivals: 'constant',
      slo: 'ttft:100',
      duration: 1,
    });
    expect(profile.load).toEqual({
      type: 'sweep',
      start_rate: 5,
      max_rate: 200,
      arrivals: 'constant',
      precision: 0.1,
      min_attainment: 0.95,
    });
    expect(() => resolveProfile({ kind: 'openai-chat', sweep: true })).toThrow(/needs SLOs/);
    expect(() => resolveProfile({ kind: 'openai-chat', sweep: true, concurrency: 2, slo: 'ttft:1' })).toThrow(
      /cannot take --concurrency/,
    );
    expect(() => resolveProfile({ kind: 'openai-chat', maxRate: 9 })).toThrow(/needs --sweep/);
  });
});
