import { benchmarkMetrics, type Direction, EVALUATOR_METRICS, SLO_METRICS } from '../../schemas/metrics.js';
import type { ModelManifest } from '../../schemas/model-manifest.js';
import type { FieldPath } from './field-path.js';
import type { Problem } from './problem.js';
import { didYouMean } from './suggest.js';

/** What the checks may ask of the world: whether a path relative to the model folder exists. */
export interface ManifestContext {
  pathExists(relativePath: string): boolean;
}

/**
 * The sections of a manifest that parsed on their own: checks run on whatever is well-formed.
 * `partial` names the sections where only some entries parsed (what is missing is reported already).
 */
export type ManifestSections = Partial<ModelManifest> & { partial?: ReadonlySet<string> };

type Check = (sections: ManifestSections, context: ManifestContext) => Problem[];

const SINGLE_ARCH_PLATFORMS = new Set(['rocm', 'neuron', 'tpu', 'gaudi']);

const targetsAreConsistent: Check = ({ targets = [] }) => {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  targets.forEach((target, i) => {
    const first = seen.get(target.name);
    if (first !== undefined) {
      problems.push({
        path: ['targets', i, 'name'],
        at: 'value',
        message: `duplicate target name "${target.name}" (also targets[${first}]); names must be unique`,
      });
    } else {
      seen.set(target.name, i);
    }
    if (SINGLE_ARCH_PLATFORMS.has(target.platform) && target.arch !== 'amd64') {
      problems.push({
        path: ['targets', i, 'arch'],
        at: 'value',
        message: `platform ${target.platform} is built for amd64 hosts only; use arch: amd64`,
      });
    }
    if (target.platform === 'cpu' && target.gpus > 0) {
      problems.push({
        path: ['targets', i, 'gpus'],
        at: 'value',
        message: 'a cpu target has no accelerators; remove gpus or choose an accelerator platform',
      });
    }
    if (target.platform !== 'cpu' && target.gpus === 0) {
      problems.push({
        path: ['targets', i, 'gpus'],
        at: 'value',
        message: `a ${target.platform} target needs at least 1 accelerator; use platform: cpu for none`,
      });
    }
  });
  return problems;
};

/** Every path the manifest names must exist, relative to the folder of model.yml. */
const pathsExist: Check = (sections, { pathExists }) => {
  const paths: [FieldPath, string | undefined][] = [];
  if (sections.weights?.source === 'baked') paths.push([['weights', 'path'], sections.weights.path]);
  if (sections.server?.type === 'rest') paths.push([['server', 'model'], sections.server.model]);
  sections.targets?.forEach((t, i) => {
    paths.push([['targets', i, 'dockerfile'], t.dockerfile]);
  });
  for (const [name, profile] of Object.entries(sections.benchmark ?? {})) {
    paths.push([['benchmark', name, 'dataset'], profile.dataset]);
  }
  for (const [name, suite] of Object.entries(sections.evaluation ?? {})) {
    paths.push([['evaluation', name, 'dataset'], suite.dataset]);
  }
  sections.depends_on?.forEach((p, i) => {
    paths.push([['depends_on', i], p]);
  });
  const outsideFolder =
    sections.weights?.source === 'baked' && sections.weights.path.split('/').includes('..');
  const problems: Problem[] = paths
    .filter((entry): entry is [FieldPath, string] => entry[1] !== undefined && !pathExists(entry[1]))
    .filter(([path]) => !(outsideFolder && path[0] === 'weights'))
    .map(([path, file]) => ({
      path,
      at: 'value',
      message: `"${file}" does not exist (paths are relative to the folder of model.yml)`,
    }));
  if (outsideFolder) {
    problems.push({
      path: ['weights', 'path'],
      at: 'value',
      message: 'baked weights must be inside the model folder, which is the image build context',
    });
  }
  if (sections.weights?.source === 'mounted' && !sections.weights.host_path && !sections.weights.volume) {
    problems.push({
      path: ['weights'],
      at: 'value',
      message: 'mounted weights need a host_path or a volume',
    });
  }
  return problems;
};

const benchmarkProfilesAreCoherent: Check = ({ benchmark = {} }) =>
  Object.entries(benchmark).flatMap(([name, profile]): Problem[] => {
    const problems: Problem[] = [];
    const at = (...rest: (string | number)[]): FieldPath => ['benchmark', name, ...rest];
    if (
      profile.dataset !== undefined &&
      (profile.input_tokens !== undefined || profile.output_tokens !== undefined)
    ) {
      problems.push({
        path: at('dataset'),
        at: 'value',
        message: 'set either a dataset or synthetic input_tokens/output_tokens, not both',
      });
    }
    const allowed = SLO_METRICS[profile.kind];
    for (const key of Object.keys(profile.slo ?? {})) {
      if (!allowed.includes(key)) {
        problems.push({
          path: at('slo', key),
          at: 'key',
          message: `${key} does not apply to a ${profile.kind} benchmark; use ${allowed.join(' or ')}`,
        });
      }
    }
    if (profile.load.type === 'sweep' && profile.slo === undefined) {
      problems.push({
        path: at('load', 'type'),
        at: 'value',
        message: 'a sweep needs an slo to know which rate is too high',
      });
    }
    return problems;
  });

/** The metrics a gate rule may name, given the profiles and suites it draws from. */
function metricsFor(sections: ManifestSections, profile?: string, suite?: string): Map<string, Direction> {
  const metrics = new Map<string, Direction>();
  const profiles = Object.entries(sections.benchmark ?? {}).filter(
    ([name]) => profile === undefined || name === profile,
  );
  const suites = Object.entries(sections.evaluation ?? {}).filter(
    ([name]) => suite === undefined || name === suite,
  );
  if (suite === undefined) {
    for (const [, p] of profiles) for (const [m, d] of benchmarkMetrics(p.kind)) metrics.set(m, d);
  }
  if (profile === undefined) {
    for (const [, s] of suites) {
      const declared = s.evaluator === 'custom' ? (s.metrics ?? {}) : EVALUATOR_METRICS[s.evaluator];
      for (const [m, d] of Object.entries(declared)) metrics.set(m, d);
    }
  }
  return metrics;
}

const gateRulesNameKnownMetrics: Check = (sections) => {
  // With a broken profile or suite the known metrics are unknown: its own errors say what to fix first.
  if (sections.partial?.has('benchmark') || sections.partial?.has('evaluation')) return [];
  return (sections.gates?.rules ?? []).flatMap((rule, i): Problem[] => {
    const at = (key: string): FieldPath => ['gates', 'rules', i, key];
    const profiles = Object.keys(sections.benchmark ?? {});
    const suites = Object.keys(sections.evaluation ?? {});
    if (rule.profile !== undefined && !profiles.includes(rule.profile)) {
      const known =
        profiles.length > 0 ? `; profiles: ${profiles.join(', ')}` : '; no benchmark profiles are defined';
      return [
        {
          path: at('profile'),
          at: 'value',
          message: `unknown benchmark profile "${rule.profile}"${didYouMean(rule.profile, profiles)}${known}`,
        },
      ];
    }
    if (rule.suite !== undefined && !suites.includes(rule.suite)) {
      const known =
        suites.length > 0 ? `; suites: ${suites.join(', ')}` : '; no evaluation suites are defined';
      return [
        {
          path: at('suite'),
          at: 'value',
          message: `unknown evaluation suite "${rule.suite}"${didYouMean(rule.suite, suites)}${known}`,
        },
      ];
    }
    const metrics = metricsFor(sections, rule.profile, rule.suite);
    if (metrics.size === 0) {
      return [
        {
          path: at('metric'),
          at: 'value',
          message: `no benchmark profile or evaluation suite reports "${rule.metric}"; define one under benchmark or evaluation`,
        },
      ];
    }
    const direction = metrics.get(rule.metric);
    if (direction === undefined) {
      const hint = didYouMean(rule.metric, metrics.keys());
      return [
        {
          path: at('metric'),
          at: 'value',
          message: `unknown metric "${rule.metric}"${hint || `; known metrics: ${[...metrics.keys()].slice(0, 12).join(', ')}…`}`,
        },
      ];
    }
    if (rule.direction !== undefined && rule.direction !== direction) {
      return [
        {
          path: at('direction'),
          at: 'value',
          message: `${rule.metric} is better when ${direction}; remove direction or fix it`,
        },
      ];
    }
    return [];
  });
};

const CHECKS: Check[] = [
  targetsAreConsistent,
  pathsExist,
  benchmarkProfilesAreCoherent,
  gateRulesNameKnownMetrics,
];

/** Checks that span fields (uniqueness, references, files on disk), run on every section that parsed. */
export function checkManifest(sections: ManifestSections, context: ManifestContext): Problem[] {
  return CHECKS.flatMap((check) => check(sections, context));
}
