/**
 * The audit log: one row per sensitive action (provisioning, attestation verdicts, policy
 * pushes, suspensions, revocations, OTA releases and rollout steps) and per refused attempt
 * (wrong role, someone else's device). A successful action's row is written in the action's own
 * transaction, so there is never an action without its row or a row for an action rolled back.
 * @module
 */
import type { Queryable } from '../store/index.ts';
import type { Principal } from './jwt.ts';

export type AuditOutcome = 'ok' | 'denied' | 'rejected';

export interface AuditEntry {
  requestId: string;
  principal: Principal | null;
  action: string;
  outcome: AuditOutcome;
  deviceId?: string | null;
  detail?: Record<string, unknown>;
  atMs: number;
}

export async function audit(q: Queryable, e: AuditEntry): Promise<void> {
  await q.query(
    'INSERT INTO audit_log (at, request_id, actor, role, action, outcome, device_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [new Date(e.atMs), e.requestId, e.principal?.sub ?? 'anonymous', e.principal?.role ?? 'none', e.action, e.outcome, e.deviceId ?? null, JSON.stringify(e.detail ?? {})],
  );
}
