/**
 * How the oslo.policy of each release's Debian suite behaves where versions differ. The engine
 * follows oslo.policy 4.x; victoria's 3.5 raises InvalidScope on a scope mismatch under
 * enforce_scope even when the caller asked not to raise (4.x returns False), and does not
 * copy a dict's `system_scope` into `system`.
 */
export interface ReleaseBehaviour {
  readonly osloPolicy: string;
  readonly scopeMismatchRaises: boolean;
  /** 4.x copies a dict's `system_scope` into `system` before deciding; 3.5 only does it for a RequestContext. */
  readonly copiesSystemScope: boolean;
}

const BEHAVIOURS: Readonly<Record<string, ReleaseBehaviour>> = {
  victoria: { osloPolicy: '3.5.0', scopeMismatchRaises: true, copiesSystemScope: false },
  zed: { osloPolicy: '4.0.0', scopeMismatchRaises: false, copiesSystemScope: true },
  epoxy: { osloPolicy: '4.5.1', scopeMismatchRaises: false, copiesSystemScope: true },
};

export function releaseBehaviour(release: string | null): ReleaseBehaviour {
  return (release && BEHAVIOURS[release]) || { osloPolicy: '4.x', scopeMismatchRaises: false, copiesSystemScope: true };
}
