import type { BenchmarkKind } from '../../schemas/metrics.js';
import type { BenchmarkProfile } from '../../schemas/model-manifest.js';
import type { DatasetRow } from '../jsonl-rows.js';
import { type AudioClip, transcriptionUpload } from './audio-clips.js';
import type { PreparedRequest } from './http-target.js';
import { type Random, seededRandom } from './random.js';

/** Request path of each kind unless the profile names one. */
export const DEFAULT_PATHS: Record<BenchmarkKind, string> = {
  'openai-chat': '/v1/chat/completions',
  'openai-completions': '/v1/completions',
  embeddings: '/v1/embeddings',
  asr: '/v1/audio/transcriptions',
  rest: '/predict',
};

const DEFAULT_INPUT_TOKENS = 128;
const DEFAULT_OUTPUT_TOKENS = 128;
const VOCABULARY =
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(
    ' ',
  );

/** A length around `mean`, spread uniformly by ±spread·mean, at least 1. */
function length(mean: number, spread: number, random: Random): number {
  return Math.max(1, Math.round(mean * (1 + spread * (2 * random() - 1))));
}

/** A prompt of about `tokens` words, different for every request so no server cache hides the work. */
function syntheticPrompt(tokens: number, random: Random): string {
  const words = new Array<string>(tokens);
  for (let i = 0; i < tokens; i++) words[i] = VOCABULARY[Math.floor(random() * VOCABULARY.length)]!;
  return words.join(' ');
}

type Model = string | undefined;

function json(body: unknown, extra: Partial<PreparedRequest> = {}): PreparedRequest {
  return { body: JSON.stringify(body), contentType: 'application/json', stream: false, ...extra };
}

function llmBody(
  kind: BenchmarkKind,
  prompt: string | undefined,
  messages: unknown,
  maxTokens: number,
  model: Model,
) {
  const common = { model, max_tokens: maxTokens, stream: true, stream_options: { include_usage: true } };
  return kind === 'openai-chat'
    ? { ...common, messages: messages ?? [{ role: 'user', content: prompt }] }
    : { ...common, prompt };
}

/**
 * The requests of a run, built up front and seeded: synthetic lengths from the profile or rows of the
 * dataset (cycled when the run needs more). Call it in index order: synthetic draws are sequential.
 */
export function requestBuilder(
  kind: BenchmarkKind,
  profile: Pick<BenchmarkProfile, 'input_tokens' | 'output_tokens' | 'spread'>,
  seed: number,
  dataset?: DatasetRow[],
  model?: string,
  clips?: AudioClip[],
): (index: number) => PreparedRequest {
  const random = seededRandom(seed);
  let restDefault: PreparedRequest | undefined;
  const build = (index: number): PreparedRequest => {
    const row = dataset?.[index % dataset.length];
    switch (kind) {
      case 'openai-chat':
      case 'openai-completions': {
        const rowTokens = row?.output_tokens ?? row?.max_tokens;
        const maxTokens =
          typeof rowTokens === 'number'
            ? rowTokens
            : length(profile.output_tokens ?? DEFAULT_OUTPUT_TOKENS, profile.spread, random);
        if (row)
          return json(llmBody(kind, row.prompt as string | undefined, row.messages, maxTokens, model), {
            stream: true,
          });
        const inputTokens = length(profile.input_tokens ?? DEFAULT_INPUT_TOKENS, profile.spread, random);
        return json(llmBody(kind, syntheticPrompt(inputTokens, random), undefined, maxTokens, model), {
          stream: true,
          inputTokens,
        });
      }
      case 'embeddings': {
        const input =
          row?.input ?? syntheticPrompt(length(profile.input_tokens ?? 32, profile.spread, random), random);
        return json({ model, input }, { inputs: Array.isArray(input) ? input.length : 1 });
      }
      case 'rest':
        if (row) return json(row.input ?? row);
        // Without a dataset every request is the same one, built once.
        restDefault ??= json({ inputs: [[0.5, 1.5, 2.5]] });
        return restDefault;
      case 'asr': {
        if (!clips || clips.length === 0)
          throw new Error('asr requests are built from the audio files of a dataset');
        const clip = clips[index % clips.length]!;
        const boundary = `gantry-${seed}-${index}`;
        return {
          body: transcriptionUpload(clip, model, boundary),
          contentType: `multipart/form-data; boundary=${boundary}`,
          stream: false,
          ...(clip.seconds === undefined ? {} : { audioS: clip.seconds }),
        };
      }
    }
  };
  return build;
}
