import { Octokit } from '@octokit/rest';

/** Octokit logs every 404 it gets; against the simulator they are expected answers (nothing there yet). */
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** An Octokit talking to the simulator at `url` over HTTP, as a token holder's would to GitHub. */
export function simulatorOctokit(url: string): Octokit {
  return new Octokit({ baseUrl: url, auth: 'ghs_test', log: quiet });
}
