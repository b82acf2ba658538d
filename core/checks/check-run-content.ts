import type { CheckAnnotation } from './manifest-check.js';

/** What a finished check run says. */
export interface CheckRunContent {
  conclusion: 'success' | 'failure' | 'neutral' | 'action_required';
  title: string;
  summary: string;
  text?: string;
  annotations: readonly CheckAnnotation[];
}

export interface CheckRunTarget {
  name: string;
  head_sha: string;
  /** The natural key of what the run reports (a workflow run and attempt), for idempotency. */
  external_id?: string;
  details_url?: string;
  actions?: { label: string; description: string; identifier: string }[];
  /** Update this run (one waiting for results) instead of creating one. */
  id?: number;
}
