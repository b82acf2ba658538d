// Deploys a model to an environment and waits for health (or tears it down), on the code of `gantry deploy`.
import { containerEngines } from '../../cli/container-engines.js';
import { deployStep } from '../../core/actions/deploy-step.js';
import type { DeployTarget } from '../../core/deploy/deploy-model.js';
import { inputs, runStep } from '../shared/run-step.js';

await runStep((io) =>
  deployStep(
    {
      model: inputs.required('model'),
      environment: inputs.required('environment'),
      target: inputs.text('target') as DeployTarget | undefined,
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
