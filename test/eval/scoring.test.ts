import { describe, expect, it } from 'vitest';
import { alignEdits, errorRate, sumEdits } from '../../core/eval/edit-distance.js';
import { EVALUATORS } from '../../core/eval/evaluators/index.js';
import { numberToWords, TEXT_NORMALISERS } from '../../core/eval/text-normalisers.js';

const words = (text: string) => (text === '' ? [] : text.split(' '));
const { basic, english, none } = TEXT_NORMALISERS;

describe('alignEdits (hand-computed)', () => {
  it.each([
    ['the cat sat on the mat', 'the cat sat on the mat', 0, 0, 0],
    ['the cat sat on the mat', 'the cat sat on mat', 0, 1, 0],
    ['the cat sat', 'the big cat sat down', 0, 0, 2],
    ['the cat sat', 'the dog sat', 1, 0, 0],
    ['a b c d', 'b c d e', 0, 1, 1],
    ['a b c d e f', 'a x c d f', 1, 1, 0],
    ['hello world', '', 0, 2, 0],
    ['', 'hello', 0, 0, 1],
  ])('%j → %j: S=%i D=%i I=%i', (reference, hypothesis, s, d, i) => {
    expect(alignEdits(words(reference), words(hypothesis))).toEqual({
      substitutions: s,
      deletions: d,
      insertions: i,
      reference: words(reference).length,
    });
  });

  it('prefers substitutions among alignments with equally few edits', () => {
    expect(alignEdits(['a'], ['b'])).toEqual({ substitutions: 1, deletions: 0, insertions: 0, reference: 1 });
    // a→x, b, c→d, d→e, +f and a→x, b, -c, d, +e, +f both take 4 edits.
    expect(alignEdits(words('a b c d'), words('x b d e f'))).toEqual({
      substitutions: 3,
      deletions: 0,
      insertions: 1,
      reference: 4,
    });
  });
});

describe('error rates', () => {
  it('are corpus-level: total edits over total reference words, not a mean of utterance rates', () => {
    const short = alignEdits(words('yes'), words('no'));
    const long = alignEdits(
      words('one two three four five six seven eight nine'),
      words('one two three four five six seven eight nine'),
    );
    expect(errorRate(sumEdits([short, long]))).toBeCloseTo(1 / 10);
    // The per-utterance mean would say 0.5.
  });

  it('are undefined, not zero, when there is nothing to score', () => {
    expect(errorRate(alignEdits([], []))).toBeUndefined();
    expect(EVALUATORS.wer.aggregate([]).wer).toBeNull();
  });

  it('count a failed request as all deletions and report it', () => {
    const wer = EVALUATORS.wer;
    const scores = [
      wer.score('the cat sat', 'the cat sat', basic),
      wer.score('on the mat', undefined, basic),
    ];
    expect(wer.aggregate(scores)).toMatchObject({
      wer: 0.5,
      deletions: 3,
      failed: 1,
      failed_rate: 0.5,
      reference_words: 6,
    });
  });

  it('computes CER over characters, spaces included', () => {
    const cer = EVALUATORS.cer;
    expect(cer.aggregate([cer.score('abc de', 'abd de', none)])).toMatchObject({
      cer: 1 / 6,
      substitutions: 1,
    });
  });
});

describe('text normalisers', () => {
  it('basic: case, punctuation and spaces', () => {
    expect(basic.normalise('  Hello,   WORLD!! It’s “fine”. ')).toBe("hello world it's fine");
  });

  it('english: contractions, numbers and hyphens too', () => {
    expect(english.normalise("I'm 25 — it's 1,200 dollars, isn't it? Rock-and-roll!")).toBe(
      'i am twenty five it is one thousand two hundred dollars is not it rock and roll',
    );
    expect(english.normalise("Don't")).toBe(english.normalise('do not'));
    expect(numberToWords(2_000_105)).toBe('two million one hundred five');
  });

  it('are versioned so results from different rules are not compared', () => {
    for (const n of Object.values(TEXT_NORMALISERS)) expect(n.version).toBeGreaterThanOrEqual(1);
  });
});

describe('match evaluators', () => {
  it('accuracy reads the label of an object answer and keeps per-example outcomes', () => {
    const { accuracy } = EVALUATORS;
    const scores = [
      accuracy.score('spam', { label: 'spam', probability: 0.9 }, none),
      accuracy.score(1, { prediction: 0 }, none),
      accuracy.score('ham', undefined, none),
      accuracy.score(true, true, none),
    ];
    expect(scores.map((s) => s.correct)).toEqual([1, 0, 0, 1]);
    expect(accuracy.aggregate(scores)).toMatchObject({ accuracy: 0.5, correct: 2, failed: 1, examples: 4 });
  });

  it('exact_match normalises and accepts any of several references', () => {
    const { exact_match } = EVALUATORS;
    expect(exact_match.score(['Paris', 'paris, france'], 'PARIS.', basic).correct).toBe(1);
    expect(exact_match.score('Paris', 'Lyon', basic).correct).toBe(0);
  });

  it('f1 is token overlap per example (SQuAD)', () => {
    const { f1 } = EVALUATORS;
    const score = f1.score('the quick brown fox', 'quick brown dog', basic);
    expect(score.precision).toBeCloseTo(2 / 3);
    expect(score.recall).toBeCloseTo(2 / 4);
    expect(score.f1).toBeCloseTo((2 * (2 / 3) * 0.5) / (2 / 3 + 0.5));
    expect(f1.aggregate([score, f1.score('x', undefined, basic)])).toMatchObject({
      failed: 1,
      f1: score.f1! / 2,
    });
  });
});
