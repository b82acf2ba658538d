// Builds one model's image for one hardware target and pushes it, on the same code as `gantry build`.
import { buildStep } from '../../core/actions/build-step.js';
import { inputs, runStep } from '../shared/run-step.js';

await runStep((io) =>
  buildStep(
    {
      model: inputs.required('model'),
      target: inputs.required('target'),
      registry: inputs.text('registry'),
      push: inputs.flag('push'),
      baseImage: inputs.text('base-image'),
      tags: inputs.list('tags'),
      timeoutSeconds: inputs.number('timeout-seconds'),
      resultsDir: inputs.text('results-dir'),
    },
    io,
  ),
);
