import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { col, one, rowOf } from '@countypay/persistence';
import { NONCE_TTL_SECONDS } from '../auth/nonce.repository';
import { IDEMPOTENCY_TTL_SECONDS } from '../domain/idempotency-fingerprint';
import type { WindowCounts } from '../domain/rate-window';
import { heldKey, type ClaimResult } from '../idempotency/idempotency.repository';

export interface AdmissionRequest {
  tenantId: string;
  appId: string;
  nonce: string;
  buckets: readonly string[];
  windowStartMs: number;
  windowMs: number;
  /** a POST's Idempotency-Key and its request fingerprint */
  idempotency?: { key: string; fingerprint: string; lockSeconds: number };
}

export type Admission = { nonceFresh: false } | { nonceFresh: true; windows: Map<string, WindowCounts>; claim?: ClaimResult };

interface AdmitAnswer {
  nonceFresh: boolean;
  windows?: Record<string, WindowCounts>;
  idempotency?: {
    claimed: boolean;
    found?: boolean;
    fingerprint?: string;
    status?: 'in_progress' | 'completed';
    responseStatus?: number | null;
    responseHeaders?: Record<string, string> | null;
    responseBody?: string | null;
  };
}

const ANSWER = rowOf({ admitted: col.json<AdmitAnswer>() });

/**
 * A signed request's admission in ONE database round trip (`gateway_admit`, migration
 * 1764500000000): nonce, rate-limit counters and Idempotency-Key claim, under the app's tenant.
 * State stays in PostgreSQL, so it holds across restarts and across gateway instances.
 */
@Injectable()
export class AdmissionRepository {
  constructor(private readonly ds: DataSource) {}

  async admit(r: AdmissionRequest): Promise<Admission> {
    const row = await one(this.ds.manager, ANSWER, `select gateway_admit($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11) as admitted`, [
      r.tenantId,
      r.appId,
      r.nonce,
      NONCE_TTL_SECONDS,
      r.buckets,
      r.windowStartMs,
      r.windowMs,
      r.idempotency?.key ?? null,
      r.idempotency?.fingerprint ?? null,
      r.idempotency?.lockSeconds ?? 0,
      IDEMPOTENCY_TTL_SECONDS,
    ]);
    const a = row!.admitted;
    if (!a.nonceFresh) return { nonceFresh: false };
    const windows = new Map(Object.entries(a.windows ?? {}));
    if (!r.idempotency || !a.idempotency) return { nonceFresh: true, windows };
    const i = a.idempotency;
    if (i.claimed) return { nonceFresh: true, windows, claim: { outcome: 'claimed' } };
    const held = i.found
      ? {
          fingerprint: i.fingerprint ?? '',
          status: i.status ?? 'in_progress',
          responseStatus: i.responseStatus ?? null,
          responseHeaders: i.responseHeaders ?? null,
          responseBody: i.responseBody ? Buffer.from(i.responseBody, 'base64') : null,
        }
      : undefined;
    return { nonceFresh: true, windows, claim: heldKey(held, r.idempotency.fingerprint) };
  }
}
