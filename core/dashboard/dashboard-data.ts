import type { BenchResults } from '../../schemas/bench-results.js';
import type { EvalResults } from '../../schemas/eval-results.js';
import type { EnvironmentEntry, ModelVersion } from '../../schemas/model-version.js';
import type { ModelRegistry } from '../registry/model-registry.js';
import type { FleetRow } from './fleet-rows.js';

/** One version as the dashboard shows it: identity, gate, where it runs, and its headline figures. */
export interface DashboardVersion {
  version: string;
  state: ModelVersion['state'];
  git_sha: string;
  recorded_at: string;
  recorded_by: string;
  verdict?: 'pass' | 'fail' | 'inconclusive';
  gated_against?: string;
  environments: string[];
  targets: string[];
  run_url?: string;
  /** `metric (profile or suite)` → value: the median over a profile's runs; a suite's score. */
  figures: Record<string, number>;
}

export interface DashboardEnvironment {
  environment: string;
  version: string;
  since: string;
  by: string;
  history: EnvironmentEntry[];
}

export interface DashboardModel {
  name: string;
  /** Lowest version first, as the registry lists them. */
  versions: DashboardVersion[];
  environments: DashboardEnvironment[];
}

export interface DashboardData {
  generated_at: string;
  models: DashboardModel[];
  /** What runs where: a host's deployment records, or a repository's GitHub Deployments. */
  fleet: FleetRow[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** The figures a glance needs, from a version's records: throughput and tail latency per profile, scores per suite. */
function headlineFigures(bench: BenchResults[], evaluations: EvalResults[]): Record<string, number> {
  const runs = new Map<string, number[]>();
  const add = (key: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) runs.set(key, [...(runs.get(key) ?? []), value]);
  };
  for (const run of bench) {
    const profile = run.profile_name ?? run.kind;
    const where = run.target ? `${profile}, ${run.target}` : profile;
    const { summary } = run;
    add(`requests_per_s (${where})`, summary.requests_per_s);
    add(`output_tokens_per_s (${where})`, summary.output_tokens_per_s);
    add(`ttft_ms.p95 (${where})`, summary.ttft_ms?.p95);
    add(`latency_ms.p95 (${where})`, summary.latency_ms?.p95 ?? summary.e2el_ms?.p95);
  }
  const figures: Record<string, number> = {};
  for (const [key, values] of runs) figures[key] = median(values);
  for (const evaluation of evaluations) {
    const suite = evaluation.suite ?? evaluation.evaluator;
    for (const [metric, value] of Object.entries(evaluation.metrics))
      if (value !== null) figures[`${metric} (${suite})`] = value;
  }
  return figures;
}

/**
 * Everything the dashboard shows, read from a registry (any backend) and deployment records: every
 * model's versions with their gate verdicts and headline figures, each environment's current version
 * and history, and the fleet. Read-only: it never changes the registry.
 */
export async function collectDashboard(
  registry: ModelRegistry,
  fleet: FleetRow[],
  now = new Date(),
): Promise<DashboardData> {
  const versions = await registry.list();
  const pointers = await registry.environments();
  const names = [...new Set(versions.map((v) => v.model))].sort();
  const models: DashboardModel[] = [];
  for (const name of names) {
    const own = versions.filter((v) => v.model === name);
    const shown: DashboardVersion[] = [];
    for (const v of own) {
      const records = await registry.records(v.model, v.version);
      shown.push({
        version: v.version,
        state: v.state,
        git_sha: v.git_sha,
        recorded_at: v.recorded_at,
        recorded_by: v.recorded_by,
        ...(v.gate ? { verdict: v.gate.verdict } : {}),
        ...(v.gate?.against ? { gated_against: v.gate.against } : {}),
        environments: v.environments,
        targets: Object.keys(v.images).sort(),
        ...(v.lineage.run_url ? { run_url: v.lineage.run_url } : {}),
        figures: headlineFigures(records.bench, records.eval),
      });
    }
    const environments: DashboardEnvironment[] = [];
    for (const pointer of pointers.filter((p) => p.model === name)) {
      const history = await registry.history(name, pointer.environment);
      const last = history.at(-1);
      environments.push({
        environment: pointer.environment,
        version: pointer.version,
        since: last?.time ?? '',
        by: last?.actor ?? '',
        history,
      });
    }
    models.push({ name, versions: shown, environments });
  }
  return { generated_at: now.toISOString(), models, fleet };
}
