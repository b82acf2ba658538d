import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The chat-llm example (in `root`/chat-llm) with a short profile of 3 repetitions and a configurable time per token. */
export function chatModel(root: string, tpotMs: number, version = '1.0.0'): string {
  const dir = join(root, 'chat-llm');
  cpSync('examples/chat-llm', dir, { recursive: true });
  const manifest = readFileSync(join(dir, 'model.yml'), 'utf8')
    .replace(/^version: .*$/m, `version: ${version}`)
    .replace(/CHAT_LLM_TTFT_MS: "\d+"/, 'CHAT_LLM_TTFT_MS: "20"')
    .replace(/CHAT_LLM_TPOT_MS: "\d+"/, `CHAT_LLM_TPOT_MS: "${tpotMs}"`)
    .replace(
      /benchmark:\n[\s\S]*?\ngates:/,
      [
        'benchmark:',
        '  chat:',
        '    kind: openai-chat',
        '    input_tokens: 32',
        '    output_tokens: 16',
        '    load: { type: concurrency, concurrency: 4 }',
        '    requests: 40',
        '    warmup: 4',
        '    repetitions: 3',
        'gates:',
      ].join('\n'),
    );
  writeFileSync(join(dir, 'model.yml'), manifest);
  return dir;
}
