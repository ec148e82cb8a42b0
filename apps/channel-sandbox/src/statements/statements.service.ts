import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTenantTransaction } from '@countypay/persistence';
import type { Channel } from '../domain/channels';
import { shanghaiDay, statementCsv } from '../domain/statement';
import { statementFile, type StatementFile } from '../domain/statement-formats';
import { applyInjections, StatementInjections } from '../domain/statement-injection';
import { StatementsRepository } from './statements.repository';

@Injectable()
export class StatementsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: StatementsRepository,
    private readonly injections: StatementInjections,
  ) {}

  /** The channel's statement file for one tenant and one Asia/Shanghai calendar day (the sandbox's generic CSV). */
  async csv(channel: Channel, tenantId: string, date: string): Promise<string> {
    const { from, to } = shanghaiDay(date);
    const lines = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.lines(em, channel, from, to));
    return statementCsv(lines);
  }

  /** The statement file in the channel's own format, with the day's injected discrepancies. */
  async file(channel: Channel, tenantId: string, date: string): Promise<StatementFile> {
    const { from, to } = shanghaiDay(date);
    const entries = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.entries(em, channel, from, to));
    return statementFile(channel, tenantId, date, applyInjections(channel, entries, this.injections.list(tenantId, channel, date), to));
  }
}
