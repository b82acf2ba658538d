import type { FieldPath } from './field-path.js';

/** A problem found in the data of a manifest, before it is given a file position. */
export interface Problem {
  path: FieldPath;
  /** Point at the field's key (an unknown or duplicate field) or at its value. */
  at: 'key' | 'value';
  message: string;
  /** For an unknown field: the known field it was probably meant to be. */
  meant?: FieldPath;
}
