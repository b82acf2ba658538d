import semver from 'semver';
import { z } from 'zod';
import { BENCHMARK_KINDS, EVALUATORS } from './metrics.js';

/**
 * model.yml: the manifest every model repository (or monorepo folder) holds. This zod schema is the
 * one source of truth: the JSON Schema for editors and the field reference in docs/ are generated
 * from it. Paths in a manifest are relative to the folder that holds it.
 */

/** Semantic version written exactly (no leading "v" or spaces); build metadata (+build.7) allowed. */
function isExactSemver(text: string): boolean {
  const parsed = semver.parse(text);
  if (!parsed) return false;
  const build = parsed.build.length > 0 ? `+${parsed.build.join('.')}` : '';
  return `${parsed.version}${build}` === text;
}

const slug = (what: string) =>
  z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9_-]*$/,
      `${what} must be lower case letters, digits, "-" or "_", like "cuda-h100"`,
    )
    .max(63);

const relativePath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/'),
    'must be a path relative to the folder of model.yml, not an absolute path',
  );

const stringMap = z.record(z.string(), z.string());
const command = z.union([z.string().min(1), z.array(z.string()).min(1)]);
const runsOn = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const positive = z.number().positive();
const positiveInt = z.number().int().positive();

export const TASKS = ['llm', 'asr', 'embedding', 'tts', 'multimodal', 'rest'] as const;
export const SERVER_TYPES = [
  'vllm',
  'tgi',
  'triton',
  'openai',
  'asr',
  'embedding',
  'tts',
  'rest',
  'custom',
] as const;
export const PLATFORMS = ['cuda', 'rocm', 'cpu', 'neuron', 'tpu', 'gaudi'] as const;
export const ARCHES = ['amd64', 'arm64'] as const;
export const DEPLOY_TARGETS = ['process', 'docker', 'kubernetes'] as const;
export const NORMALISERS = ['none', 'basic', 'english'] as const;

export type ServerType = (typeof SERVER_TYPES)[number];
export type Platform = (typeof PLATFORMS)[number];
export type Arch = (typeof ARCHES)[number];

/** Port and health path each server type listens on unless model.yml says otherwise. */
export const SERVER_DEFAULTS: Record<ServerType, { port: number; health: string }> = {
  vllm: { port: 8000, health: '/health' },
  tgi: { port: 80, health: '/health' },
  triton: { port: 8000, health: '/v2/health/ready' },
  openai: { port: 8000, health: '/health' },
  asr: { port: 8000, health: '/health' },
  embedding: { port: 8000, health: '/health' },
  tts: { port: 8000, health: '/health' },
  rest: { port: 8080, health: '/status' },
  custom: { port: 8000, health: '/health' },
};

/** Server types that run a command of the model's own. */
const COMMAND_SERVERS: readonly ServerType[] = ['openai', 'asr', 'embedding', 'tts', 'custom'];

export const Server = z
  .strictObject({
    type: z.enum(SERVER_TYPES).meta({
      description:
        "How the model is served: vllm, tgi or triton (the upstream server images), openai (any OpenAI-compatible command), asr, embedding, tts (a command serving that API), rest (a Python model.py with a Model class, wrapped by Gantry's REST server) or custom (any command).",
    }),
    port: z.number().int().min(1).max(65535).optional().meta({
      description: 'Port the server listens on inside the container. Default: 8000 (tgi: 80, rest: 8080).',
    }),
    command: command.optional().meta({
      description:
        'Command that starts the server, run from the model folder. Required for openai, asr, embedding, tts and custom.',
      examples: [['python3', 'server.py']],
    }),
    args: z.array(z.string()).default([]).meta({ description: 'Extra arguments appended to the command.' }),
    env: stringMap.default({}).meta({ description: 'Environment variables for the server.' }),
    health: z.string().startsWith('/').optional().meta({
      description: 'HTTP path that answers 200 when the server is ready. Default depends on type.',
    }),
    startup_timeout_s: positive.default(300).meta({
      description: 'Seconds to wait for the health path before the deployment fails.',
    }),
    model: z.string().min(1).optional().meta({
      description:
        'vllm/tgi: the model the server loads (path inside the image or mount). rest: the Python file with the Model class (default model.py).',
    }),
  })
  .superRefine((server, ctx) => {
    if (COMMAND_SERVERS.includes(server.type) && server.command === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['command'],
        message: `server type "${server.type}" needs a command that starts the server, e.g. command: [python3, server.py]`,
      });
    }
  })
  .transform((server) => ({
    ...server,
    port: server.port ?? SERVER_DEFAULTS[server.type].port,
    health: server.health ?? SERVER_DEFAULTS[server.type].health,
    model: server.model ?? (server.type === 'rest' ? 'model.py' : undefined),
  }));

export const Weights = z
  .discriminatedUnion('source', [
    z.strictObject({
      source: z.literal('baked').meta({ description: 'baked, mounted or url.' }),
      path: relativePath.meta({ description: 'File or folder in the repository copied into the image.' }),
      mount_path: z
        .string()
        .startsWith('/')
        .default('/models')
        .meta({ description: 'Where they land in the image.' }),
    }),
    z.strictObject({
      source: z.literal('mounted'),
      host_path: z
        .string()
        .startsWith('/')
        .optional()
        .meta({ description: 'Host folder mounted read-only.' }),
      volume: z
        .string()
        .min(1)
        .optional()
        .meta({ description: 'Named volume (docker) or PVC (kubernetes).' }),
      mount_path: z
        .string()
        .startsWith('/')
        .default('/models')
        .meta({ description: 'Where they appear in the container.' }),
    }),
    z.strictObject({
      source: z.literal('url'),
      url: z.url().meta({ description: 'Where the deploy step downloads the weights from.' }),
      sha256: z
        .string()
        .regex(/^[a-f0-9]{64}$/, 'must be the 64 hex digits of the SHA-256 of the file')
        .meta({ description: 'Checked after download; a mismatch fails the deployment.' }),
      mount_path: z
        .string()
        .startsWith('/')
        .default('/models')
        .meta({ description: 'Where the download is mounted.' }),
    }),
  ])
  .meta({
    description:
      'Where the weights come from: baked into the image from the repo, mounted at run time, or downloaded from a URL and checked against its SHA-256. Never fetched during tests.',
  });

export const Target = z
  .strictObject({
    name: slug('a target name').meta({ description: 'Unique within the model; part of the image tag.' }),
    platform: z.enum(PLATFORMS).meta({ description: 'Hardware platform the image is built for.' }),
    arch: z.enum(ARCHES).default('amd64').meta({ description: 'CPU architecture of the image.' }),
    accelerator: z.string().min(1).optional().meta({
      description: 'Accelerator kind, e.g. h100, a100, l4, mi300x, inf2, trn1, v5e, gaudi2.',
    }),
    gpus: z.number().int().min(0).optional().meta({
      description: 'Accelerators per replica. Default: 1 on accelerator platforms, 0 on cpu.',
    }),
    'runs-on': runsOn.optional().meta({
      description:
        'Runner labels (or scale-set name) the build and deploy jobs run on. Default: ubuntu-latest / ubuntu-24.04-arm for cpu; [self-hosted, linux, ARCH, PLATFORM, ACCELERATOR] otherwise.',
    }),
    base_image: z.string().min(1).optional().meta({ description: "Overrides the template's base image." }),
    build_args: stringMap.default({}).meta({ description: 'Extra Docker build arguments.' }),
    dockerfile: relativePath
      .optional()
      .meta({ description: "Your own Dockerfile instead of Gantry's template." }),
  })
  .transform((target) => {
    const gpus = target.gpus ?? (target.platform === 'cpu' ? 0 : 1);
    return {
      ...target,
      gpus,
      'runs-on': runnerLabels(target.platform, target.arch, target.accelerator, target['runs-on']),
    };
  });

/** Default runner labels for a target: GitHub-hosted for CPU, self-hosted labels for accelerators. */
export function runnerLabels(
  platform: Platform,
  arch: Arch,
  accelerator?: string,
  given?: string | string[],
): string[] {
  if (given !== undefined) return typeof given === 'string' ? [given] : given;
  if (platform === 'cpu') return [arch === 'arm64' ? 'ubuntu-24.04-arm' : 'ubuntu-latest'];
  const labels = ['self-hosted', 'linux', arch === 'arm64' ? 'arm64' : 'x64', platform];
  return accelerator ? [...labels, accelerator] : labels;
}

export const Example = z.strictObject({
  input: z.unknown().meta({ description: 'A request body for POST /predict.' }),
  output: z.unknown().meta({ description: 'The expected answer.' }),
  tolerance: z.number().min(0).default(0).meta({ description: 'Allowed absolute difference for numbers.' }),
});

export const Load = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('concurrency').meta({ description: 'concurrency, constant, poisson, gamma or sweep.' }),
      concurrency: positiveInt.meta({ description: 'Requests in flight at all times (closed loop).' }),
    }),
    z.strictObject({
      type: z.literal('constant'),
      rate: positive.meta({ description: 'Requests per second, evenly spaced (open loop).' }),
      max_concurrency: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('poisson'),
      rate: positive.meta({ description: 'Mean requests per second, exponential gaps (open loop).' }),
      max_concurrency: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('gamma'),
      rate: positive.meta({ description: 'Mean requests per second (open loop).' }),
      burstiness: positive.meta({
        description: 'Gamma shape: 1 is Poisson, below 1 burstier, above 1 smoother.',
      }),
      max_concurrency: positiveInt.optional(),
    }),
    z.strictObject({
      type: z.literal('sweep'),
      start_rate: positive
        .default(1)
        .meta({ description: 'First offered rate; doubled until an SLO breaks.' }),
      max_rate: positive.optional().meta({ description: 'Highest rate tried; the sweep stops there.' }),
      max_concurrency: positiveInt.optional(),
      arrivals: z
        .enum(['constant', 'poisson'])
        .default('poisson')
        .meta({ description: 'Arrivals of each step (an open loop at the offered rate).' }),
      precision: z.number().gt(0).max(1).default(0.1).meta({
        description: 'Bisection stops once the failing rate is within this fraction above the passing one.',
      }),
      min_attainment: z.number().gt(0).max(1).default(0.95).meta({
        description: 'A step meets the SLOs when at least this fraction of its requests meet every SLO.',
      }),
    }),
  ])
  .meta({
    description:
      'Load shape: closed loop (concurrency), open loop (constant, poisson, gamma) or a rate sweep.',
  });

export const Slo = z
  .strictObject({
    ttft_ms: positive.optional().meta({ description: 'Time to first token, ms (LLM kinds).' }),
    tpot_ms: positive
      .optional()
      .meta({ description: 'Time per output token after the first, ms (LLM kinds).' }),
    e2el_ms: positive.optional().meta({ description: 'End-to-end latency, ms (LLM kinds).' }),
    latency_ms: positive.optional().meta({ description: 'Request latency, ms (embeddings, asr, rest).' }),
    rtf: positive
      .optional()
      .meta({ description: 'Real-time factor: processing time / audio duration (asr).' }),
  })
  .meta({ description: 'Per-request objectives; goodput counts the requests meeting all of them.' });

export const BenchmarkProfile = z
  .strictObject({
    kind: z.enum(BENCHMARK_KINDS).meta({ description: 'API the benchmark drives.' }),
    path: z
      .string()
      .startsWith('/')
      .optional()
      .meta({ description: 'Request path; default depends on kind.' }),
    dataset: relativePath.optional().meta({ description: 'JSONL prompts, audio list or REST inputs.' }),
    input_tokens: positiveInt.optional().meta({ description: 'Synthetic prompt length (when no dataset).' }),
    output_tokens: positiveInt.optional().meta({ description: 'Synthetic output length (max_tokens).' }),
    spread: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .meta({ description: 'Relative spread of synthetic lengths.' }),
    load: Load.prefault({ type: 'concurrency', concurrency: 1 }),
    requests: positiveInt.optional().meta({ description: 'Requests to send (after warm-up).' }),
    duration_s: positive.optional().meta({ description: 'Or: seconds to run.' }),
    warmup: z.number().int().min(0).default(0).meta({ description: 'Requests sent first and left out.' }),
    repetitions: positiveInt.default(1).meta({ description: "Independent runs, for the gate's statistics." }),
    timeout_s: positive.default(60).meta({ description: 'Per-request timeout.' }),
    slo: Slo.optional(),
  })
  .superRefine((profile, ctx) => {
    if (profile.requests !== undefined && profile.duration_s !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['duration_s'],
        message: 'set either requests or duration_s, not both',
      });
    }
  });

export const EvaluationSuite = z
  .strictObject({
    evaluator: z.enum(EVALUATORS).meta({ description: 'How outputs are scored.' }),
    dataset: relativePath.meta({ description: 'JSONL file: one example per line.' }),
    normaliser: z.enum(NORMALISERS).default('basic').meta({
      description: 'Text normaliser applied before scoring (wer, cer, exact_match).',
    }),
    concurrency: positiveInt.default(4).meta({ description: 'Dataset rows sent at once.' }),
    command: command.optional().meta({ description: 'custom: command that scores outputs.' }),
    metrics: z
      .record(z.string().regex(/^[a-z][a-z0-9_]*$/), z.enum(['lower', 'higher']))
      .optional()
      .meta({ description: 'custom: the metrics it reports and which direction is better.' }),
  })
  .superRefine((suite, ctx) => {
    if (suite.evaluator === 'custom' && (suite.command === undefined || suite.metrics === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [suite.command === undefined ? 'command' : 'metrics'],
        message: 'a custom evaluator needs a command and the metrics it reports (name: lower|higher)',
      });
    }
  });

export const GateRule = z
  .strictObject({
    metric: z.string().min(1).meta({
      description: 'Metric path, e.g. ttft_ms.p95, output_tokens_per_s, failed_rate, wer, accuracy.',
    }),
    profile: z
      .string()
      .optional()
      .meta({ description: 'Benchmark profile the metric comes from (default: all).' }),
    suite: z
      .string()
      .optional()
      .meta({ description: 'Evaluation suite the metric comes from (default: all).' }),
    direction: z.enum(['lower', 'higher']).optional().meta({
      description: 'Which way is better. Known metrics have it built in.',
    }),
    relative: z.number().min(0).optional().meta({
      description: 'Largest allowed worsening as a fraction of the baseline (0.1 = 10%).',
    }),
    absolute: z
      .number()
      .min(0)
      .optional()
      .meta({ description: "Largest allowed worsening in the metric's unit." }),
  })
  .superRefine((rule, ctx) => {
    if ((rule.relative === undefined) === (rule.absolute === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a gate rule needs exactly one limit: relative or absolute',
      });
    }
  });

export const Gates = z.strictObject({
  baseline: z
    .string()
    .refine((b) => b === 'production' || b === 'previous' || isExactSemver(b), {
      message: 'must be production, previous or a version like 1.2.0',
    })
    .default('production')
    .meta({ description: 'What the candidate is compared with: production, previous, or a version.' }),
  confidence: z
    .number()
    .gt(0.5)
    .lt(1)
    .default(0.95)
    .meta({ description: 'Confidence level of the verdicts.' }),
  run_noise: z.number().min(0).lt(1).default(0.05).meta({
    description:
      'Assumed noise between benchmark runs made at different times (0.05 = 5%): the whole uncertainty of a single run, and a floor of half of it under the spread measured across repetitions, which run back to back and so miss what changes between sessions.',
  }),
  rules: z.array(GateRule).optional().meta({
    description: 'Rules to enforce. When absent, the defaults for each benchmark kind and evaluator apply.',
  }),
});

export const Environment = z.strictObject({
  deploy: z.enum(DEPLOY_TARGETS).default('docker').meta({ description: 'process, docker or kubernetes.' }),
  'runs-on': runsOn.optional().meta({ description: 'Runner labels of the deploy job.' }),
  replicas: positiveInt.default(1).meta({ description: 'Copies of the server to run.' }),
  approvals: z.number().int().min(0).default(1).meta({
    description: 'Approvals by authorised reviewers (owners, not the author) needed to promote here.',
  }),
  emergency_rollback: z.boolean().default(false).meta({
    description:
      'Let `/rollback` by a maintainer return this environment to the version it ran before at once, without a promotion pull request; it is recorded all the same (release, deployment, audit entry).',
  }),
  namespace: z.string().optional().meta({ description: 'kubernetes: namespace.' }),
  url: z.url().optional().meta({ description: 'Public URL of the environment, shown in deployments.' }),
});

const DEFAULT_ENVIRONMENTS = {
  staging: { approvals: 0 },
  production: { approvals: 1 },
};

export const ModelManifest = z
  .strictObject({
    name: z
      .string()
      .regex(
        /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)?$/,
        'must be lower case, like "whisper-small" or "acme/whisper-small"',
      )
      .max(128)
      .meta({
        description: 'Unique in the repository; names releases and images.',
        examples: ['acme/whisper-small'],
      }),
    version: z
      .string()
      .refine((v) => isExactSemver(v), {
        message: 'must be a semantic version like 1.2.0 (no leading "v")',
      })
      .meta({ description: 'Semantic version of the model.', examples: ['1.2.0'] }),
    description: z
      .string()
      .optional()
      .meta({ description: 'One line on what the model does, shown in releases.' }),
    owners: z
      .array(
        z
          .string()
          .regex(
            /^@?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9._-]+)?$/,
            'must be a GitHub user ("alice") or team ("acme/ml-platform")',
          ),
      )
      .default([])
      .meta({ description: 'GitHub users or org/team slugs who may approve promotions.' }),
    contact: z.string().optional().meta({ description: 'Where to reach the team (e-mail, chat channel).' }),
    task: z.enum(TASKS).meta({ description: 'What the model does.' }),
    server: Server.meta({ description: 'How the model is served: the process inside the image.' }),
    weights: Weights.optional(),
    targets: z
      .array(Target)
      .min(1)
      .prefault([{ name: 'cpu', platform: 'cpu' }])
      .meta({ description: 'Hardware targets: one image each. Default: one cpu amd64 target.' }),
    schema: z
      .strictObject({
        input: z.record(z.string(), z.unknown()).meta({ description: 'JSON Schema of the request body.' }),
        output: z
          .record(z.string(), z.unknown())
          .optional()
          .meta({ description: 'JSON Schema of the answer.' }),
      })
      .optional()
      .meta({
        description: 'rest: input/output JSON Schemas; requests are validated against the input one.',
      }),
    examples: z
      .array(Example)
      .default([])
      .meta({ description: 'Inputs with expected outputs, checked after deploy.' }),
    benchmark: z.record(slug('a profile name'), BenchmarkProfile).default({}).meta({
      description: 'Named benchmark profiles.',
    }),
    evaluation: z.record(slug('a suite name'), EvaluationSuite).default({}).meta({
      description: 'Named evaluation suites.',
    }),
    gates: Gates.prefault({}).meta({
      description: 'How a candidate version is judged against its baseline.',
    }),
    environments: z.record(slug('an environment name'), Environment).prefault(DEFAULT_ENVIRONMENTS).meta({
      description:
        'Where versions are promoted. Default: staging (no approval) and production (one approval).',
    }),
    depends_on: z.array(relativePath).default([]).meta({
      description: 'Paths outside the model folder whose changes also rebuild this model (e.g. ../shared).',
    }),
  })
  .meta({
    title: 'Gantry model manifest (model.yml)',
    description: 'Describes one model: how to serve, build, benchmark, evaluate, gate and promote it.',
  });

export type ModelManifest = z.output<typeof ModelManifest>;
export type ModelManifestInput = z.input<typeof ModelManifest>;
export type Target = ModelManifest['targets'][number];
export type BenchmarkProfile = z.output<typeof BenchmarkProfile>;
export type EvaluationSuite = z.output<typeof EvaluationSuite>;
export type GateRule = z.output<typeof GateRule>;
