// Judges the candidate against its baseline and fails the job on a failing verdict, as `gantry gate` does.
import { gateStep } from '../../core/actions/gate-step.js';
import { inputs, runStep } from '../shared/run-step.js';

await runStep((io) =>
  gateStep(
    {
      model: inputs.required('model'),
      candidate: inputs.list('candidate'),
      baseline: inputs.list('baseline'),
      allowTestbedMismatch: inputs.flag('allow-testbed-mismatch'),
      failOnInconclusive: inputs.flag('fail-on-inconclusive'),
      resultsDir: inputs.text('results-dir'),
    },
    io,
  ),
);
