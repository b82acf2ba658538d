// Runs the model's evaluation suites against a live endpoint, on the same code as `gantry eval`.
import { evaluateStep } from '../../core/actions/evaluate-step.js';
import { inputs, runStep } from '../shared/run-step.js';

await runStep((io) =>
  evaluateStep(
    {
      model: inputs.required('model'),
      endpoint: inputs.required('endpoint'),
      suites: inputs.list('suites'),
      timeoutSeconds: inputs.number('timeout-seconds'),
      resultsDir: inputs.text('results-dir'),
    },
    io,
  ),
);
