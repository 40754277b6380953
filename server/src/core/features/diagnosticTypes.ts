import type { Span } from '../check/checkTypes';

export type DiagnosticSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface RelatedInformation {
  readonly span: Span;
  readonly message: string;
  /** Set when the span is in another file (a policy.d layer), not the diagnosed one. */
  readonly inFile?: { readonly uri: string; readonly text: string };
}

/** A problem found in a policy file, with a stable code users can configure. */
export interface PolicyDiagnostic {
  readonly span: Span;
  readonly severity: DiagnosticSeverity;
  readonly code: string;
  readonly message: string;
  readonly related?: readonly RelatedInformation[];
  /** Marks a deprecated name or a redundant override, for editors that render them so. */
  readonly tags?: readonly ('unnecessary' | 'deprecated')[];
}
