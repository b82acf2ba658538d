import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { httpRequest } from '../http-request.js';
import type { DatasetRow } from '../jsonl-rows.js';

/** How a dataset row is sent to a model server and what of the answer is the prediction. */
export interface ModelCaller {
  /** The row field that selects this caller. */
  field: string;
  call(endpoint: string, row: DatasetRow, context: CallContext): Promise<unknown>;
}

export interface CallContext {
  /** Folder of the dataset file: paths in rows (audio files) are relative to it. */
  datasetDir: string;
  /** Model name sent to OpenAI-style servers. */
  modelName: string;
  signal: AbortSignal;
}

/** The model's answer as JSON; an HTTP error or a body that is not JSON is the row's error. */
function answer({ status, text }: { status: number; text: string }): unknown {
  if (status < 200 || status >= 300) throw new Error(`HTTP ${status}: ${text.slice(0, 200)}`);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the answer is not JSON: ${text.slice(0, 200)}`);
  }
}

/** A row's own deadline: long enough for a slow model, and the run's signal ends it sooner. */
const CALL_TIMEOUT_MS = 600_000;

const postJson = (url: string, body: unknown, signal: AbortSignal) =>
  httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    timeoutMs: CALL_TIMEOUT_MS,
    signal,
  });

function field(value: unknown, path: string[]): unknown {
  let current = value;
  for (const key of path) current = (current as Record<string, unknown> | undefined)?.[key];
  if (current === undefined) throw new Error(`the answer has no ${path.join('.')}`);
  return current;
}

/** Speech: the audio file, uploaded to the OpenAI-style transcription endpoint. */
const transcription: ModelCaller = {
  field: 'audio',
  async call(endpoint, row, { datasetDir, modelName, signal }) {
    const path = resolve(datasetDir, String(row.audio));
    const form = new FormData();
    form.append('file', new Blob([await readFile(path)]), basename(path));
    form.append('model', modelName);
    form.append('response_format', 'json');
    const response = await httpRequest(`${endpoint}/v1/audio/transcriptions`, {
      method: 'POST',
      body: form,
      timeoutMs: CALL_TIMEOUT_MS,
      signal,
    });
    return field(answer(response), ['text']);
  },
};

/** Chat models: messages (or a prompt as one user message), greedy, the reply's content. */
function chat(fieldName: 'messages' | 'prompt'): ModelCaller {
  return {
    field: fieldName,
    async call(endpoint, row, { modelName, signal }) {
      const messages =
        fieldName === 'messages' ? row.messages : [{ role: 'user', content: String(row.prompt) }];
      const body = { model: modelName, messages, temperature: 0, max_tokens: Number(row.max_tokens ?? 256) };
      const response = await postJson(`${endpoint}/v1/chat/completions`, body, signal);
      return field(answer(response), ['choices', '0', 'message', 'content']);
    },
  };
}

/** Plain REST models: the row's input as the body of POST /predict, the whole JSON answer. */
const rest: ModelCaller = {
  field: 'input',
  async call(endpoint, row, { signal }) {
    return answer(await postJson(`${endpoint}/predict`, row.input, signal));
  },
};

/** In order of preference when a row has several of the fields. */
export const MODEL_CALLERS: readonly ModelCaller[] = [transcription, chat('messages'), chat('prompt'), rest];

export function callerFor(row: DatasetRow): ModelCaller | undefined {
  return MODEL_CALLERS.find((caller) => row[caller.field] !== undefined);
}
