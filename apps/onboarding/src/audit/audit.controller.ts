import { Controller, Get, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, type Actor } from '@countypay/service-kit';
import { AuditService } from './audit.service';
import { AuditEntry, ListAuditEntriesQuery } from './dto/audit-entry.dto';

@Controller('admin/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authenticated({ actors: ['province', 'county'] })
  @ApiOperation({
    operationId: 'listAuditEntries',
    summary: 'List the audit log, newest first: every administrative change with who made it and the object before and after (personal data masked)',
    description: 'A province operator sees every entry (province-level changes have tenantId null); a county operator sees those of its own county.',
    tag: 'Audit log',
    response: { page: AuditEntry },
  })
  list(@Auth() actor: Actor, @Query() q: ListAuditEntriesQuery): Promise<Page<AuditEntry>> {
    return this.audit.list(actor, q);
  }
}
