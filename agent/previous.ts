import type { AgentState, Deployment } from './state.js';

/**
 * Pure: the store path a new apply records as `previousStorePath`, where its
 * rollback goes. That is what the system profile points to now (read by the
 * executor; null when there is no profile yet), except when the profile
 * already points at the new release's path (an apply that got as far as the
 * profile before, with its state lost or failed): then the last release that
 * passed its health check on this host.
 */
export function previousStorePath(profileTarget: string | null, d: Deployment, state: Pick<AgentState, 'good'>): string | null {
  if (profileTarget === d.storePath && state.good) return state.good.storePath;
  return profileTarget;
}
