import packageJson from '../package.json' with { type: 'json' };

/** Gantry's own version, recorded in every results file and report. */
export const GANTRY_VERSION: string = packageJson.version;
