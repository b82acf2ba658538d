// Plans the changed models: the build matrix for `strategy.matrix`, on the same code as `gantry plan`.
import { planStep } from '../../core/actions/plan-step.js';
import { inputs, runStep } from '../shared/run-step.js';

await runStep((io) =>
  planStep(
    {
      base: inputs.text('base'),
      head: inputs.text('head'),
      all: inputs.flag('all'),
      registry: inputs.text('registry'),
      resultsDir: inputs.text('results-dir'),
    },
    io,
  ),
);
