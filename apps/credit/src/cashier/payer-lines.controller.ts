import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '@countypay/contracts';
import { fenToJson } from '@countypay/money';
import { inTenantTransaction } from '@countypay/persistence';
import { InternalRoute } from '@countypay/service-kit';
import { availableFen } from '../domain/credit-rules';
import { HoldsService } from '../holds/holds.service';
import type { CreditQuote } from '../holds/dto/holds.dto';
import { PayerLine, PayerLineRequest, PayerOffers, PayerOffersRequest } from './payer-lines.dto';
import { PayerLinesRepository, type PayerLineRecord } from './payer-lines.repository';

/** Refusals that only rule out one installment count (the others may still be offered). */
const PER_COUNT_REFUSALS = new Set(['installments_not_allowed', 'apr_above_ceiling']);

/**
 * Service to service, for the hosted cashier of online acquiring (credit as a payment method): the
 * payer names their line as the partner app knows them (customerRef); acquiring checks the reserved
 * mobile against the line's masked one before its consent SMS, then shows every installment plan
 * with its schedule and APR before the payer confirms (the quote of each allowed count).
 */
@Controller('credit/internal/payer-lines')
export class PayerLinesController {
  constructor(
    private readonly ds: DataSource,
    private readonly lines: PayerLinesRepository,
    private readonly holds: HoldsService,
  ) {}

  @Post('find')
  @HttpCode(200)
  @InternalRoute({ callers: ['acquiring'] })
  async find(@Body() dto: PayerLineRequest): Promise<PayerLine> {
    return lineView(await inTenantTransaction(this.ds, dto.tenantId, (em) => this.open(em, dto)));
  }

  @Post('offers')
  @HttpCode(200)
  @InternalRoute({ callers: ['acquiring'] })
  async offers(@Body() dto: PayerOffersRequest): Promise<PayerOffers> {
    const line = await inTenantTransaction(this.ds, dto.tenantId, (em) => this.open(em, dto));
    const scope = { tenantId: dto.tenantId, appId: dto.appId, seesAllApps: false };
    const options: CreditQuote[] = [];
    let refusal: unknown;
    for (const installments of [...line.installmentCounts].sort((a, b) => a - b)) {
      try {
        options.push(await this.holds.quote(scope, line.id, { amountFen: dto.amountFen, installments }));
      } catch (e) {
        if (!(e instanceof ApiError && PER_COUNT_REFUSALS.has(e.code))) throw e;
        refusal = e;
      }
    }
    if (options.length === 0 && refusal) throw refusal;
    return { ...lineView(line), options };
  }

  private async open(em: Parameters<PayerLinesRepository['findOpenLine']>[0], dto: PayerLineRequest): Promise<PayerLineRecord> {
    const line = await this.lines.findOpenLine(em, dto.appId, dto.customerRef);
    if (!line) throw new ApiError('not_found', 'no open credit line for this customer', 'customerRef');
    return line;
  }
}

function lineView(l: PayerLineRecord): PayerLine {
  return {
    lineId: l.id,
    state: l.state === 'frozen' ? 'frozen' : 'active',
    mobileMasked: l.mobileMasked,
    availableFen: fenToJson(availableFen(l.limitFen, l.heldFen, l.drawnFen)),
  };
}
