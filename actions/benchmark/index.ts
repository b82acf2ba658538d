// Runs the model's benchmark profiles against a live endpoint, on the same code as `gantry bench`.
import { benchmarkStep } from '../../core/actions/benchmark-step.js';
import { inputs, runStep } from '../shared/run-step.js';

await runStep((io) =>
  benchmarkStep(
    {
      model: inputs.required('model'),
      endpoint: inputs.required('endpoint'),
      profiles: inputs.list('profiles'),
      target: inputs.text('target'),
      imageDigest: inputs.text('image-digest'),
      timeoutMinutes: inputs.number('timeout-minutes'),
      resultsDir: inputs.text('results-dir'),
    },
    io,
  ),
);
