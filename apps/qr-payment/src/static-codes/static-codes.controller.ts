import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '@countypay/contracts';
import { CurrentActor, scopedTenant, type Actor } from '../common/actor';
import { StaticPayDto } from './dto/static-codes.dto';
import { amountFormPage, unsupportedWalletPage } from './resolve-page';
import { StaticCodesService } from './static-codes.service';

const wantsJson = (req: Request): boolean => {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
};

@Controller('qr')
export class StaticCodesController {
  constructor(private readonly codes: StaticCodesService) {}

  @Get('codes/:merchantId')
  code(@CurrentActor() actor: Actor, @Param('merchantId', ParseUUIDPipe) merchantId: string) {
    return this.codes.code(scopedTenant(actor, ['app', 'county', 'province']), merchantId, undefined);
  }

  @Get('codes/:merchantId/:storeId')
  storeCode(@CurrentActor() actor: Actor, @Param('merchantId', ParseUUIDPipe) merchantId: string, @Param('storeId', ParseUUIDPipe) storeId: string) {
    return this.codes.code(scopedTenant(actor, ['app', 'county', 'province']), merchantId, storeId);
  }

  /** What a payer's phone opens (public: the tenant comes from the code). */
  @Get('r/:tenantCode/:merchantId')
  resolve(@Param('tenantCode') t: string, @Param('merchantId') m: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.render(t, m, undefined, req, res);
  }

  @Get('r/:tenantCode/:merchantId/:storeId')
  resolveStore(@Param('tenantCode') t: string, @Param('merchantId') m: string, @Param('storeId') s: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.render(t, m, s, req, res);
  }

  @Post('r/:tenantCode/:merchantId/pay')
  @HttpCode(200)
  pay(@Param('tenantCode') t: string, @Param('merchantId') m: string, @Headers('user-agent') ua: string | undefined, @Body() dto: StaticPayDto) {
    return this.codes.pay(this.codes.target(t, m), ua, dto);
  }

  @Post('r/:tenantCode/:merchantId/:storeId/pay')
  @HttpCode(200)
  payStore(@Param('tenantCode') t: string, @Param('merchantId') m: string, @Param('storeId') s: string, @Headers('user-agent') ua: string | undefined, @Body() dto: StaticPayDto) {
    return this.codes.pay(this.codes.target(t, m, s), ua, dto);
  }

  private async render(t: string, m: string, s: string | undefined, req: Request, res: Response): Promise<void> {
    const outcome = await this.codes.resolve(this.codes.target(t, m, s), req.headers['user-agent']);
    const json = wantsJson(req);
    res.setHeader('cache-control', 'no-store');
    if (outcome.kind === 'unsupported') {
      if (json) throw new ApiError('wallet_not_supported', outcome.message, 'user-agent');
      res.status(200).type('text/html; charset=utf-8').send(unsupportedWalletPage(outcome.merchantName, outcome.channels));
      return;
    }
    if (json) {
      res.status(200).json({ merchantName: outcome.merchantName, channel: outcome.channel, payPath: outcome.payPath, staticDailyLimitFen: Number(outcome.limitFen) });
      return;
    }
    res.status(200).type('text/html; charset=utf-8').send(amountFormPage(outcome));
  }
}
