import { parse } from 'yaml';
import { ModelManifest } from '../../schemas/model-manifest.js';

/** What a model.yml says about promoting the model: who may approve, and how many approvals each environment needs. */
export interface PromotionRules {
  name?: string;
  owners: string[];
  approvals: (environment: string) => number;
  /** Whether `/rollback` may return the environment at once, without a pull request. */
  emergencyRollback: (environment: string) => boolean;
}

/** An environment model.yml does not name needs as many approvals as one it names without saying. */
const UNNAMED_ENVIRONMENT_APPROVALS = 1;

/**
 * The promotion rules of a model.yml, read section by section: a manifest broken elsewhere still names
 * its owners and approvals. A section that does not parse counts as absent, which only ever asks for
 * more approvals (no owners; one approval), never fewer.
 */
export function promotionRules(text: string): PromotionRules {
  let data: Record<string, unknown> | undefined;
  try {
    const parsed = parse(text) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      data = parsed as Record<string, unknown>;
  } catch {
    // Unreadable YAML names no one and takes no defaults.
  }
  if (!data)
    return { owners: [], approvals: () => UNNAMED_ENVIRONMENT_APPROVALS, emergencyRollback: () => false };
  const name = ModelManifest.shape.name.safeParse(data.name);
  const owners = ModelManifest.shape.owners.safeParse(data.owners);
  const environments = ModelManifest.shape.environments.safeParse(data.environments);
  return {
    ...(name.success ? { name: name.data } : {}),
    owners: owners.success ? owners.data : [],
    approvals: (environment) =>
      environments.success
        ? (environments.data[environment]?.approvals ?? UNNAMED_ENVIRONMENT_APPROVALS)
        : UNNAMED_ENVIRONMENT_APPROVALS,
    // Only a manifest that says so, in a section that parses, allows it.
    emergencyRollback: (environment) =>
      environments.success && environments.data[environment]?.emergency_rollback === true,
  };
}
