import { describe, expect, it } from 'vitest';
import { chooseDeployTarget } from '../../core/deploy/deploy-model.js';
import { serverCommand } from '../../core/deploy/server-command.js';
import { parseManifest } from '../../core/manifest/parse-manifest.js';

function manifest(server: string) {
  const parsed = parseManifest(`name: acme/m\nversion: 1.2.0\ntask: llm\nserver: ${server}\n`, 'model.yml', {
    pathExists: () => true,
  });
  if (!parsed.manifest) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.manifest;
}

const noRest = () => {
  throw new Error('not a rest model');
};

describe('serverCommand', () => {
  it('passes the port as PORT and in PORT placeholders of the command, with the model identity', () => {
    const command = serverCommand(
      manifest(
        `{ type: openai, command: "node server.mjs --port \${PORT}", args: [--ttft-ms, "20"], env: { A: b } }`,
      ),
      9123,
      noRest,
      'unused.json',
    );
    expect(command).toEqual({
      command: ['node', 'server.mjs', '--port', '9123', '--ttft-ms', '20'],
      env: { A: 'b', PORT: '9123', GANTRY_MODEL: 'acme/m', GANTRY_VERSION: '1.2.0' },
    });
  });

  it('serves rest models through the REST wrapper', () => {
    const command = serverCommand(
      manifest('{ type: rest }'),
      8080,
      (m, port, json) => ['python3', 'wrapper.py', m.name, String(port), json],
      '/state/m.manifest.json',
    );
    expect(command.command).toEqual(['python3', 'wrapper.py', 'acme/m', '8080', '/state/m.manifest.json']);
  });
});

describe('chooseDeployTarget', () => {
  it('uses the environment setting, falling back to a process with a note', () => {
    expect(chooseDeployTarget(undefined, 'process', { docker: true })).toEqual({ target: 'process' });
    expect(chooseDeployTarget(undefined, 'docker', { docker: false })).toEqual({
      target: 'process',
      note: 'no container engine here: serving as a local process',
    });
    expect(chooseDeployTarget(undefined, 'docker', { docker: true })).toEqual({ target: 'docker' });
    expect(chooseDeployTarget(undefined, 'kubernetes', { docker: false })).toEqual({ target: 'kubernetes' });
  });

  it('never silently swaps a target the user asked for', () => {
    expect(chooseDeployTarget('process', 'docker', { docker: true })).toEqual({ target: 'process' });
    // Asked for docker on a host without an engine: the deploy fails saying so, it does not start a process.
    expect(chooseDeployTarget('docker', 'process', { docker: false })).toEqual({ target: 'docker' });
  });
});
