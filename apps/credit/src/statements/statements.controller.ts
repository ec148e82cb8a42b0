import { Controller, Get, Param, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, PageQuery, uuidParam, type Actor } from '@countypay/service-kit';
import { lineScope } from '../lines/lines.controller';
import { CreditStatement } from './dto/statements.dto';
import { StatementsService } from './statements.service';

@Controller('credit')
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  @Get('lines/:id/statements')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'listCreditStatements',
    summary: "A credit line's statements, newest first (cursor pages)",
    tag: 'Credit',
    response: { page: CreditStatement },
  })
  list(@Auth() actor: Actor, @Param('id', uuidParam('credit line')) id: string, @Query() q: PageQuery): Promise<Page<CreditStatement>> {
    return this.statements.list(lineScope(actor), id, q);
  }

  @Get('statements/:id')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'getCreditStatement',
    summary: 'A statement: the installments billed, what is owed, the minimum payment and the due date',
    tag: 'Credit',
    response: CreditStatement,
  })
  get(@Auth() actor: Actor, @Param('id', uuidParam('credit statement')) id: string): Promise<CreditStatement> {
    return this.statements.get(lineScope(actor), id);
  }
}
