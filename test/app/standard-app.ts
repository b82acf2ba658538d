import { afterAll, beforeAll } from 'vitest';
import { AppHarness } from './app-harness.js';
import { standardRepository } from './results-fixtures.js';

/**
 * The app of one test file against a simulator holding the standard repository `fullName`: started
 * before the file's tests, stopped after them.
 */
export function standardApp(
  fullName: string,
  options: ConstructorParameters<typeof AppHarness>[0] = {},
): AppHarness {
  const harness = new AppHarness(options);
  beforeAll(async () => {
    await harness.start();
    standardRepository(harness.simulator, fullName);
  }, 30_000);
  afterAll(() => harness.stop());
  return harness;
}
