import type { NORMALISERS } from '../../schemas/model-manifest.js';

export type NormaliserName = (typeof NORMALISERS)[number];

export interface TextNormaliser {
  name: NormaliserName;
  /** Bumped whenever the output changes: results record it, so scores from different rules are not compared. */
  version: number;
  normalise(text: string): string;
}

const CONTRACTIONS: [RegExp, string][] = [
  [/\bwon't\b/g, 'will not'],
  [/\bcan't\b/g, 'can not'],
  [/\bshan't\b/g, 'shall not'],
  [/\bain't\b/g, 'is not'],
  [/\blet's\b/g, 'let us'],
  [/n't\b/g, ' not'],
  [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'],
  [/'ll\b/g, ' will'],
  [/'d\b/g, ' would'],
  [/'m\b/g, ' am'],
  [/\b(it|he|she|that|there|what|where|who|here)'s\b/g, '$1 is'],
];

const ONES = [
  'zero',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** 1234 → "one thousand two hundred thirty four" (no "and", no hyphens), up to 999,999,999. */
export function numberToWords(n: number): string {
  if (n < 20) return ONES[n]!;
  if (n < 100) return `${TENS[Math.floor(n / 10)]}${n % 10 ? ` ${ONES[n % 10]}` : ''}`;
  const scales: [number, string][] = [
    [1_000_000, 'million'],
    [1_000, 'thousand'],
    [100, 'hundred'],
  ];
  for (const [size, word] of scales) {
    if (n >= size) {
      const rest = n % size;
      return `${numberToWords(Math.floor(n / size))} ${word}${rest ? ` ${numberToWords(rest)}` : ''}`;
    }
  }
  return String(n);
}

function basic(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/(^|\s)'+|'+(\s|$)/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * English: basic, then contractions expanded, digits spelled out (speech recognisers write either), and
 * hyphenated words split, so "I'm 25" and "i am twenty five" compare equal.
 */
function english(text: string): string {
  let out = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'");
  for (const [pattern, replacement] of CONTRACTIONS) out = out.replace(pattern, replacement);
  out = out
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .replace(/\b\d{1,9}\b/g, (digits) => numberToWords(Number(digits)));
  return basic(out.replace(/-/g, ' ')).replace(/'/g, '');
}

export const TEXT_NORMALISERS: Record<NormaliserName, TextNormaliser> = {
  none: { name: 'none', version: 1, normalise: (text) => text },
  basic: { name: 'basic', version: 1, normalise: basic },
  english: { name: 'english', version: 1, normalise: english },
};
