import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { fenToJson } from '@countypay/money';
import { inTenantTransaction } from '@countypay/persistence';
import type { Actor } from '@countypay/service-kit';
import { AuditRepository } from '../common/audit.repository';
import { CreditConfig } from '../config/credit.config';
import { addDays } from '../domain/business-date';
import { calendarToday } from './clock';
import type { CreditSettings, UpdateCreditSettingsRequest } from './dto/settings.dto';
import { SettingsRepository, type CreditSettingsRecord } from './settings.repository';

/** A tenant's credit settings and its business clock. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: SettingsRepository,
    private readonly audit: AuditRepository,
    private readonly config: CreditConfig,
  ) {}

  /**
   * The tenant's settings inside the caller's transaction. In `system` clock mode the business
   * date follows the calendar (never backwards); in `manual` mode it moves only when advanced.
   */
  async current(em: EntityManager, tenantId: string, o: { lock?: boolean } = {}): Promise<CreditSettingsRecord> {
    const today = calendarToday();
    const s = await this.repo.ensure(em, tenantId, today, o);
    if (this.config.CREDIT_CLOCK_MODE === 'system' && s.businessDate < today) return this.repo.update(em, tenantId, { businessDate: today });
    return s;
  }

  /** A read: the stored settings, or the defaults a first use would store (a GET writes nothing). */
  get(tenantId: string): Promise<CreditSettings> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const s = await this.repo.find(em, tenantId);
      const today = calendarToday();
      if (!s) return { tenantId, ...CREDIT_SETTINGS_DEFAULTS, businessDate: today };
      return view(this.config.CREDIT_CLOCK_MODE === 'system' && s.businessDate < today ? { ...s, businessDate: today } : s);
    });
  }

  update(actor: Actor, tenantId: string, dto: UpdateCreditSettingsRequest): Promise<CreditSettings> {
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const before = await this.current(em, tenantId, { lock: true });
      const after = await this.repo.update(em, tenantId, {
        ...(dto.aprCeilingBp !== undefined ? { aprCeilingBp: dto.aprCeilingBp } : {}),
        ...(dto.unsecuredCapFen !== undefined ? { unsecuredCapFen: BigInt(dto.unsecuredCapFen) } : {}),
        ...(dto.freezeAfterDays !== undefined ? { freezeAfterDays: dto.freezeAfterDays } : {}),
      });
      await this.audit.record(em, tenantId, actor, 'settings.update', zeroUuid(tenantId), { before: view(before), after: view(after) });
      return view(after);
    });
  }

  /** Moves the tenant's business date forward one day at a time (manual clock only); returns each new date. */
  async advance(tenantId: string, days: number, onDate: (date: string) => Promise<void>): Promise<CreditSettings> {
    if (this.config.CREDIT_CLOCK_MODE !== 'manual')
      throw new ApiError('conflict', 'the business clock follows the calendar here; it can be advanced only in the test and sandbox profiles');
    for (let i = 0; i < days; i++) {
      const next = await inTenantTransaction(this.ds, tenantId, async (em) => {
        const s = await this.current(em, tenantId, { lock: true });
        return (await this.repo.update(em, tenantId, { businessDate: addDays(s.businessDate, 1) })).businessDate;
      });
      await onDate(next);
    }
    return this.get(tenantId);
  }
}

/** A stable uuid naming a tenant's settings as an audit subject. */
function zeroUuid(tenantId: string): string {
  return `00000000-0000-4000-8000-${tenantId.slice(1).padStart(12, '0')}`;
}

/** The defaults of a county's credit settings (the columns' defaults in the credit_settings table). */
const CREDIT_SETTINGS_DEFAULTS = { aprCeilingBp: 2400, unsecuredCapFen: 20_000_000, freezeAfterDays: 30 } as const;

function view(s: CreditSettingsRecord): CreditSettings {
  return {
    tenantId: s.tenantId,
    aprCeilingBp: s.aprCeilingBp,
    unsecuredCapFen: fenToJson(s.unsecuredCapFen),
    freezeAfterDays: s.freezeAfterDays,
    businessDate: s.businessDate,
  };
}
