import type { Context } from 'probot';
import type { ConfigCache } from '../core/app/config-cache.js';
import { configChangedBy } from '../core/app/config-changed-by.js';

/**
 * On a push: drops the cached `.github/gantry.yml` it changed, the repository's own or, for a push to the
 * owner's `.github` repository, that of every repository of the owner, so the next event reads it anew.
 */
export function forgetChangedConfig(configs: ConfigCache) {
  return async function forgetChangedConfig(context: Context<'push'>): Promise<void> {
    const change = configChangedBy(context.payload);
    if (change === 'repository') configs.forgetRepository(context.payload.repository.id);
    if (change === 'owner') configs.forgetOwner(context.repo().owner);
  };
}
