// Writes the gate's report to the job summary and, given a token on a pull request, the one PR comment.
import { reportStep } from '../../core/actions/report-step.js';
import { inputs, runStep } from '../shared/run-step.js';

await runStep((io) =>
  reportStep(
    {
      verdict: inputs.text('verdict'),
      candidate: inputs.list('candidate'),
      baseline: inputs.list('baseline'),
      model: inputs.text('model'),
      baselineVersion: inputs.text('baseline-version'),
      token: inputs.secret('github-token'),
      resultsDir: inputs.text('results-dir'),
    },
    io,
  ),
);
