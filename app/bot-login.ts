import type { Probot } from 'probot';

const logins = new WeakMap<Probot, Promise<string>>();

/**
 * The login GitHub gives the app's own comments and reactions (`slug[bot]`), asked once per process: how
 * the app recognises what it already did.
 */
export function botLogin(app: Probot): Promise<string> {
  let login = logins.get(app);
  if (!login) {
    login = app
      .auth()
      .then((octokit) => octokit.rest.apps.getAuthenticated())
      .then(({ data }) => `${data?.slug ?? 'gantry'}[bot]`);
    // A failed lookup is asked again next time instead of being remembered.
    login.catch(() => logins.delete(app));
    logins.set(app, login);
  }
  return login;
}
