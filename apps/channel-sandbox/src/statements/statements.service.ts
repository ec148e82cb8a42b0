import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { inTenantTransaction } from '@countypay/persistence';
import type { Channel } from '../domain/channels';
import { shanghaiDay, statementCsv } from '../domain/statement';
import { StatementsRepository } from './statements.repository';

@Injectable()
export class StatementsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: StatementsRepository,
  ) {}

  /** The channel's statement file for one tenant and one Asia/Shanghai calendar day. */
  async csv(channel: Channel, tenantId: string, date: string): Promise<string> {
    const { from, to } = shanghaiDay(date);
    const lines = await inTenantTransaction(this.ds, tenantId, (em) => this.repo.lines(em, channel, from, to));
    return statementCsv(lines);
  }
}
