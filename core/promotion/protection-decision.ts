import type { ModelVersion } from '../../schemas/model-version.js';

export interface ProtectionDecision {
  state: 'approved' | 'rejected';
  comment: string;
}

/**
 * Gantry as a custom deployment protection rule: a deployment of a commit to an environment is approved
 * only when every model version recorded at that commit passed its gate, against the version the
 * environment runs now where it runs one. No recorded version is a rejection: nothing ungated ships.
 */
export function protectionDecision(
  environment: string,
  sha: string,
  versions: ModelVersion[],
  current: (model: string) => string | undefined,
): ProtectionDecision {
  const short = sha.slice(0, 12);
  if (versions.length === 0)
    return {
      state: 'rejected',
      comment: `No model version is recorded for ${short}: record it and gate it before deploying to ${environment}.`,
    };
  const problems: string[] = [];
  const passed: string[] = [];
  for (const v of versions) {
    const id = `${v.model}@${v.version}`;
    const running = current(v.model);
    if (!v.gate) problems.push(`${id} was never gated`);
    else if (v.gate.verdict !== 'pass') problems.push(`${id}'s gate verdict is ${v.gate.verdict}`);
    else if (running && running !== v.version && v.gate.against !== running)
      problems.push(
        `${id} was gated against ${v.gate.against ?? 'nothing'}, but ${environment} runs ${running}`,
      );
    else passed.push(`${id} (pass${v.gate.against ? ` against ${v.gate.against}` : ''})`);
  }
  if (problems.length > 0)
    return {
      state: 'rejected',
      comment: `Gantry rejects ${short} for ${environment}: ${problems.join('; ')}.`,
    };
  return { state: 'approved', comment: `Gantry approves ${short} for ${environment}: ${passed.join(', ')}.` };
}
