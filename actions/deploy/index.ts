// Deploys a model to an environment and waits for health (or tears it down), on the code of `gantry deploy`.
import { containerEngines } from '../../cli/container-engines.js';
import { deployStep } from '../../core/actions/deploy-step.js';
import { DEPLOY_TARGETS } from '../../schemas/model-manifest.js';
import { inputs, runStep } from '../shared/run-step.js';

await runStep((io) =>
  deployStep(
    {
      model: inputs.required('model'),
      environment: inputs.required('environment'),
      target: inputs.choice('target', DEPLOY_TARGETS),
      port: inputs.number('port'),
      image: inputs.text('image'),
      buildRecord: inputs.text('build-record'),
      registry: inputs.text('registry'),
      hardware: inputs.text('hardware'),
      namespace: inputs.text('namespace'),
      apply: inputs.flag('apply'),
      stop: inputs.flag('stop'),
      resultsDir: inputs.text('results-dir'),
      engines: containerEngines(),
    },
    io,
  ),
);
