import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const CHAT_LLM_DIR = join(import.meta.dirname, '..', '..', 'examples', 'chat-llm');

export interface RunningServer {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Starts examples/chat-llm/server.mjs on a free port with the given flags; resolves once it listens. */
export async function startChatLlm(flags: Record<string, string | number> = {}): Promise<RunningServer> {
  const args = [join(CHAT_LLM_DIR, 'server.mjs'), '--host', '127.0.0.1', '--port', '0'];
  for (const [name, value] of Object.entries(flags)) args.push(`--${name}`, String(value));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (part: Buffer) => {
      output += part.toString();
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (part: Buffer) => {
      output += part.toString();
    });
    child.on('exit', (code) => reject(new Error(`chat-llm exited with ${code}: ${output}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  return { url, process: child, stop };
}
