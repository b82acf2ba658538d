import type { BuildPlan, ChangeReason, PlanScope } from '../../schemas/build-plan.js';

const REASONS_SHOWN = 5;

const EVERYTHING_BECAUSE: Record<Extract<PlanScope, { kind: 'all' }>['why'], string> = {
  requested: 'as asked (--all)',
  'no-parent': 'the head commit has no parent to compare with',
  'new-branch': 'the base is the all-zeros commit of a new branch',
};

function short(commit: string): string {
  return commit.slice(0, 12);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function describeReason(reason: ChangeReason): string {
  return reason.kind === 'changed'
    ? `changed: ${reason.path}`
    : `depends on ${reason.dependency}: ${reason.path}`;
}

function headline(plan: BuildPlan): string {
  const images = plural(plan.matrix.length, 'image');
  if (plan.scope.kind === 'all') {
    return `all ${plural(plan.models.length, 'model')} at ${short(plan.scope.head)}, ${EVERYTHING_BECAUSE[plan.scope.why]}: ${images} to build`;
  }
  const between = `between ${short(plan.scope.base)} and ${short(plan.scope.head)}`;
  if (plan.models.length === 0)
    return `no model changed ${between} (${plural(plan.manifests_found, 'model')} found): nothing to build`;
  return `${plan.models.length} of ${plural(plan.manifests_found, 'model')} changed ${between}: ${images} to build`;
}

/** Columns padded to their widest cell, so the table reads in a terminal and in a CI log. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** The plan for people: which models changed and why, the images to build, and what was removed. */
export function renderPlan(plan: BuildPlan): string {
  const lines = [headline(plan)];
  if (plan.scope.kind === 'changes' && plan.models.length > 0) {
    lines.push('');
    for (const model of plan.models) {
      lines.push(`${model.name} ${model.version} (${model.folder})`);
      for (const reason of model.reasons.slice(0, REASONS_SHOWN)) lines.push(`  ${describeReason(reason)}`);
      const more = model.reasons.length - REASONS_SHOWN;
      if (more > 0) lines.push(`  … and ${plural(more, 'more changed file')}`);
    }
  }
  if (plan.matrix.length > 0) {
    const header = ['MODEL', 'VERSION', 'TARGET', 'PLATFORM', 'ARCH', 'GPUS', 'RUNS-ON', 'IMAGE'];
    const rows = plan.matrix.map((e) => [
      e.model,
      e.version,
      e.target,
      e.accelerator === undefined ? e.platform : `${e.platform}/${e.accelerator}`,
      e.arch,
      String(e.gpus),
      e['runs-on'].join(','),
      e.image,
    ]);
    lines.push('', ...table([header, ...rows]));
  }
  if (plan.removed.length > 0) {
    lines.push('');
    for (const removed of plan.removed) {
      lines.push(`removed: ${removed.name ?? removed.folder} (${removed.manifest} deleted)`);
    }
  }
  return `${lines.join('\n')}\n`;
}
