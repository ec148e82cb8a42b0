import { Body, Controller, Get, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError } from '@countypay/contracts';
import { actorTenant, ApiOperation, Auth, Authenticated, PublicRoute, tenantParam, uuidParam, type Actor } from '@countypay/service-kit';
import { QrOrder } from '../orders/dto/qr-order.dto';
import { codeIdParam, PayQrStaticCodeRequest, QrStaticCode, QrStaticCodeOffer } from './dto/static-codes.dto';
import { amountFormPage, unsupportedWalletPage } from './resolve-page';
import { StaticCodesService } from './static-codes.service';

const TAG = 'QR payments';

const wantsJson = (req: Request): boolean => {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
};

const RESOLVE_DESCRIPTION =
  "What a payer's phone opens after scanning a static code (no authentication: the county is in the path). Opened in a wallet app the county takes, " +
  "it offers that wallet's channel and the static-code daily limit; a client asking for `application/json` gets this offer as JSON, a browser the payment page " +
  '(HTML). Outside a wallet app a browser gets a page naming the apps that work, a JSON client `400 wallet_not_supported`.';

const PAY_DESCRIPTION =
  'The payer pays the amount typed on the page, through the channel of the wallet app that opened the code (its User-Agent), within the PBoC limit of ' +
  "¥500 per payer and day for static codes (or the county's lower one). Answers the order, usually `paying` until the channel notifies the outcome.";

const RESOLVE_ERRORS = ['wallet_not_supported', 'merchant_not_active', 'channel_not_enabled', 'tenant_suspended'] as const;
const PAY_ERRORS = ['wallet_not_supported', 'merchant_not_active', 'channel_not_enabled', 'barcode_limit_exceeded', 'tenant_suspended', 'conflict'] as const;

@Controller('qr')
export class StaticCodesController {
  constructor(private readonly codes: StaticCodesService) {}

  @Get('codes/:merchantId')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['qr:pay'] })
  @ApiOperation({
    operationId: 'getQrStaticCode',
    summary: "A merchant's static (sticker) QR code: the EMVCo payload to print, its resolve URL and a PNG",
    tag: TAG,
    response: QrStaticCode,
  })
  code(@Auth() actor: Actor, @Param('merchantId', uuidParam('merchant')) merchantId: string): Promise<QrStaticCode> {
    return this.codes.code(actorTenant(actor), merchantId, undefined);
  }

  @Get('codes/:merchantId/:storeId')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['qr:pay'] })
  @ApiOperation({
    operationId: 'getQrStoreStaticCode',
    summary: "The static (sticker) QR code of one of a merchant's stores: the EMVCo payload to print, its resolve URL and a PNG",
    tag: TAG,
    response: QrStaticCode,
    errors: ['merchant_not_active'],
  })
  storeCode(
    @Auth() actor: Actor,
    @Param('merchantId', uuidParam('merchant')) merchantId: string,
    @Param('storeId', uuidParam('store')) storeId: string,
  ): Promise<QrStaticCode> {
    return this.codes.code(actorTenant(actor), merchantId, storeId);
  }

  @Get('r/:tenantCode/:merchantId')
  @PublicRoute()
  @ApiOperation({
    operationId: 'resolveQrStaticCode',
    summary: "Open a merchant's static code in the payer's wallet app: what it offers, or its payment page",
    description: RESOLVE_DESCRIPTION,
    tag: TAG,
    response: QrStaticCodeOffer,
    errors: [...RESOLVE_ERRORS],
  })
  resolve(
    @Param('tenantCode', tenantParam()) t: string,
    @Param('merchantId', codeIdParam('payment code')) m: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.render(t, m, undefined, req, res);
  }

  @Get('r/:tenantCode/:merchantId/:storeId')
  @PublicRoute()
  @ApiOperation({
    operationId: 'resolveQrStoreStaticCode',
    summary: "Open a store's static code in the payer's wallet app: what it offers, or its payment page",
    description: RESOLVE_DESCRIPTION,
    tag: TAG,
    response: QrStaticCodeOffer,
    errors: [...RESOLVE_ERRORS],
  })
  resolveStore(
    @Param('tenantCode', tenantParam()) t: string,
    @Param('merchantId', codeIdParam('payment code')) m: string,
    @Param('storeId', codeIdParam('payment code')) s: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.render(t, m, s, req, res);
  }

  @Post('r/:tenantCode/:merchantId/pay')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'payQrStaticCode',
    summary: "Pay a merchant's static code from the payer's wallet app, for the amount the payer typed",
    description: PAY_DESCRIPTION,
    tag: TAG,
    response: QrOrder,
    errors: [...PAY_ERRORS],
  })
  pay(
    @Param('tenantCode', tenantParam()) t: string,
    @Param('merchantId', codeIdParam('payment code')) m: string,
    @Headers('user-agent') ua: string | undefined,
    @Body() dto: PayQrStaticCodeRequest,
  ): Promise<QrOrder> {
    return this.codes.pay(this.codes.target(t, m), ua, dto);
  }

  @Post('r/:tenantCode/:merchantId/:storeId/pay')
  @HttpCode(200)
  @PublicRoute()
  @ApiOperation({
    operationId: 'payQrStoreStaticCode',
    summary: "Pay a store's static code from the payer's wallet app, for the amount the payer typed",
    description: PAY_DESCRIPTION,
    tag: TAG,
    response: QrOrder,
    errors: [...PAY_ERRORS],
  })
  payStore(
    @Param('tenantCode', tenantParam()) t: string,
    @Param('merchantId', codeIdParam('payment code')) m: string,
    @Param('storeId', codeIdParam('payment code')) s: string,
    @Headers('user-agent') ua: string | undefined,
    @Body() dto: PayQrStaticCodeRequest,
  ): Promise<QrOrder> {
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
      const offer: QrStaticCodeOffer = {
        merchantName: outcome.merchantName,
        channel: outcome.channel,
        payPath: outcome.payPath,
        staticDailyLimitFen: Number(outcome.limitFen),
      };
      res.status(200).json(offer);
      return;
    }
    res.status(200).type('text/html; charset=utf-8').send(amountFormPage(outcome));
  }
}
