import { Controller, Get, Param, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, actorTenant, uuidParam, type Actor } from '@countypay/service-kit';
import { CreditDrawdown } from '../holds/dto/holds.dto';
import { CreditLine } from '../lines/dto/lines.dto';
import { lineScope } from '../lines/lines.controller';
import { BookService } from './book.service';
import { CreditClassificationReport, ListCreditDrawdownsQuery, ListCreditLinesQuery, ListOverdueLoansQuery } from './dto/book.dto';

@Controller('credit')
export class BookController {
  constructor(private readonly book: BookService) {}

  @Get('lines')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'listCreditLines',
    summary: "Credit lines, newest first (cursor pages): a partner app's own customers', or the county's for its operators",
    tag: 'Credit',
    response: { page: CreditLine },
  })
  lines(@Auth() actor: Actor, @Query() q: ListCreditLinesQuery): Promise<Page<CreditLine>> {
    return this.book.listLines(lineScope(actor), q);
  }

  @Get('lines/:id/drawdowns')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({
    operationId: 'listCreditDrawdowns',
    summary: 'The drawdowns (loans) of a credit line with their schedules, newest first',
    tag: 'Credit',
    response: { page: CreditDrawdown },
  })
  drawdowns(@Auth() actor: Actor, @Param('id', uuidParam('credit line')) id: string, @Query() q: ListCreditDrawdownsQuery): Promise<Page<CreditDrawdown>> {
    return this.book.listDrawdowns(lineScope(actor), id, q);
  }

  @Get('overdue-loans')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'listOverdueCreditLoans',
    summary: "The county's overdue loans, longest overdue first (operators)",
    tag: 'Credit',
    response: { page: CreditDrawdown },
  })
  overdue(@Auth() actor: Actor, @Query() q: ListOverdueLoansQuery): Promise<Page<CreditDrawdown>> {
    return this.book.listOverdue(actorTenant(actor), q);
  }

  @Get('reports/classification')
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'getCreditClassificationReport',
    summary: "The county's loan book by five-category classification: counts and outstanding principal (operators)",
    tag: 'Credit',
    response: CreditClassificationReport,
  })
  classification(@Auth() actor: Actor): Promise<CreditClassificationReport> {
    return this.book.classification(actorTenant(actor));
  }
}
