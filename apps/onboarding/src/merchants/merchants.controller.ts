import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { AppScope } from '@countypay/contracts';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, RequestId, uuidParam, type Actor } from '@countypay/service-kit';
import {
  CreateMerchantRequest,
  CreateStoreRequest,
  CreateTerminalRequest,
  ListMerchantsQuery,
  Merchant,
  MerchantReviewRequest,
  Store,
  Terminal,
  UpdateMerchantRequest,
} from './dto/merchant.dto';
import { MerchantsService } from './merchants.service';

const READ: AppScope[] = ['merchants:read', 'merchants:write'];
const WRITE: AppScope[] = ['merchants:write'];
const ACTORS = ['app', 'county', 'province'] as const;

@Controller()
export class MerchantsController {
  constructor(private readonly merchants: MerchantsService) {}

  @Post('merchants')
  @Authenticated({ actors: ACTORS, scopes: WRITE })
  @ApiOperation({
    operationId: 'createMerchant',
    summary: 'Register a merchant for review by its county bank; its KYC fields are checked and its personal data is shown masked from then on',
    tag: 'Merchants',
    response: Merchant,
    errors: ['invalid_uscc', 'invalid_id_number', 'invalid_phone', 'invalid_bank_account', 'merchant_exists', 'tenant_suspended'],
  })
  create(@Auth() actor: Actor, @Body() dto: CreateMerchantRequest, @RequestId() requestId?: string): Promise<Merchant> {
    return this.merchants.create(actor, dto, requestId);
  }

  @Get('merchants')
  @Authenticated({ actors: ACTORS, scopes: READ })
  @ApiOperation({
    operationId: 'listMerchants',
    summary: 'List the merchants you registered (a county bank’s own app: every merchant of its county), newest first',
    tag: 'Merchants',
    response: { page: Merchant },
  })
  list(@Auth() actor: Actor, @Query() q: ListMerchantsQuery): Promise<Page<Merchant>> {
    return this.merchants.list(actor, q);
  }

  @Get('merchants/:merchantId')
  @Authenticated({ actors: ACTORS, scopes: READ })
  @ApiOperation({ operationId: 'getMerchant', summary: 'Get a merchant with its stores and their terminals', tag: 'Merchants', response: Merchant })
  get(@Auth() actor: Actor, @Param('merchantId', uuidParam('merchant')) merchantId: string): Promise<Merchant> {
    return this.merchants.get(actor, merchantId);
  }

  @Patch('merchants/:merchantId')
  @Authenticated({ actors: ACTORS, scopes: WRITE })
  @ApiOperation({
    operationId: 'updateMerchant',
    summary: "Change a merchant's name, phone, category, address, city or settlement account (the fields given replace the current ones)",
    tag: 'Merchants',
    response: Merchant,
    errors: ['invalid_phone', 'invalid_bank_account', 'invalid_state_transition', 'tenant_suspended'],
  })
  update(
    @Auth() actor: Actor,
    @Param('merchantId', uuidParam('merchant')) merchantId: string,
    @Body() dto: UpdateMerchantRequest,
    @RequestId() requestId?: string,
  ): Promise<Merchant> {
    return this.merchants.update(actor, merchantId, dto, requestId);
  }

  @Post('merchants/:merchantId/stores')
  @Authenticated({ actors: ACTORS, scopes: WRITE })
  @ApiOperation({
    operationId: 'createStore',
    summary: 'Add a store to a merchant',
    tag: 'Merchants',
    response: Store,
    errors: ['invalid_state_transition', 'tenant_suspended'],
  })
  addStore(
    @Auth() actor: Actor,
    @Param('merchantId', uuidParam('merchant')) merchantId: string,
    @Body() dto: CreateStoreRequest,
    @RequestId() requestId?: string,
  ): Promise<Store> {
    return this.merchants.addStore(actor, merchantId, dto.name, requestId);
  }

  @Get('stores/:storeId')
  @Authenticated({ actors: ACTORS, scopes: READ })
  @ApiOperation({ operationId: 'getStore', summary: 'Get a store with its terminals', tag: 'Merchants', response: Store })
  getStore(@Auth() actor: Actor, @Param('storeId', uuidParam('store')) storeId: string): Promise<Store> {
    return this.merchants.getStore(actor, storeId);
  }

  @Post('stores/:storeId/terminals')
  @Authenticated({ actors: ACTORS, scopes: WRITE })
  @ApiOperation({
    operationId: 'createTerminal',
    summary: 'Register a POS terminal of a store by its serial number (unique in the county)',
    tag: 'Merchants',
    response: Terminal,
    errors: ['terminal_exists', 'invalid_state_transition', 'tenant_suspended'],
  })
  addTerminal(
    @Auth() actor: Actor,
    @Param('storeId', uuidParam('store')) storeId: string,
    @Body() dto: CreateTerminalRequest,
    @RequestId() requestId?: string,
  ): Promise<Terminal> {
    return this.merchants.addTerminal(actor, storeId, dto.serialNo, requestId);
  }
}

const REVIEW_ERRORS = ['invalid_state_transition', 'tenant_suspended'] as const;

/** Review by the county bank (of the merchant's tenant) or the province. */
@Controller('admin/merchants/:merchantId')
@Authenticated({ actors: ['county', 'province'] })
export class MerchantReviewController {
  constructor(private readonly merchants: MerchantsService) {}

  @Post('approve')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'approveMerchant',
    summary: 'Approve a merchant pending review: it becomes active and can take payments',
    tag: 'Merchant review',
    response: Merchant,
    errors: REVIEW_ERRORS,
  })
  approve(
    @Auth() a: Actor,
    @Param('merchantId', uuidParam('merchant')) id: string,
    @Body() dto: MerchantReviewRequest,
    @RequestId() r?: string,
  ): Promise<Merchant> {
    return this.merchants.review(a, id, 'approve', dto.reason, r);
  }

  @Post('reject')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'rejectMerchant',
    summary: 'Reject a merchant pending review, with a reason (final)',
    tag: 'Merchant review',
    response: Merchant,
    errors: REVIEW_ERRORS,
  })
  reject(
    @Auth() a: Actor,
    @Param('merchantId', uuidParam('merchant')) id: string,
    @Body() dto: MerchantReviewRequest,
    @RequestId() r?: string,
  ): Promise<Merchant> {
    return this.merchants.review(a, id, 'reject', dto.reason, r);
  }

  @Post('suspend')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'suspendMerchant',
    summary: 'Suspend an active merchant, with a reason: it takes no payments until resumed',
    tag: 'Merchant review',
    response: Merchant,
    errors: REVIEW_ERRORS,
  })
  suspend(
    @Auth() a: Actor,
    @Param('merchantId', uuidParam('merchant')) id: string,
    @Body() dto: MerchantReviewRequest,
    @RequestId() r?: string,
  ): Promise<Merchant> {
    return this.merchants.review(a, id, 'suspend', dto.reason, r);
  }

  @Post('resume')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'resumeMerchant',
    summary: 'Resume a suspended merchant: it is active again',
    tag: 'Merchant review',
    response: Merchant,
    errors: REVIEW_ERRORS,
  })
  resume(
    @Auth() a: Actor,
    @Param('merchantId', uuidParam('merchant')) id: string,
    @Body() dto: MerchantReviewRequest,
    @RequestId() r?: string,
  ): Promise<Merchant> {
    return this.merchants.review(a, id, 'resume', dto.reason, r);
  }

  @Post('close')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'closeMerchant',
    summary: 'Close an active or suspended merchant, with a reason (final)',
    tag: 'Merchant review',
    response: Merchant,
    errors: REVIEW_ERRORS,
  })
  close(
    @Auth() a: Actor,
    @Param('merchantId', uuidParam('merchant')) id: string,
    @Body() dto: MerchantReviewRequest,
    @RequestId() r?: string,
  ): Promise<Merchant> {
    return this.merchants.review(a, id, 'close', dto.reason, r);
  }
}
