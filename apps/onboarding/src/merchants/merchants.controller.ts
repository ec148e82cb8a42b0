import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { type Actor } from '../common/actor';
import { Actors, AppScopes, CurrentActor, RequestId } from '../common/actors.guard';
import { type Page } from '../common/pagination';
import { uuidParam } from '../common/params';
import { CreateMerchantDto, CreateStoreDto, CreateTerminalDto, MerchantListQueryDto, ReviewDto, UpdateMerchantDto } from './dto/merchant.dto';
import { MerchantsService, type MerchantView, type StoreView, type TerminalView } from './merchants.service';

const READ = ['merchants:read', 'merchants:write'];
const WRITE = 'merchants:write';

@Controller()
export class MerchantsController {
  constructor(private readonly merchants: MerchantsService) {}

  @Post('merchants')
  @Actors('app', 'county', 'province')
  @AppScopes(WRITE)
  create(@CurrentActor() actor: Actor, @Body() dto: CreateMerchantDto, @RequestId() requestId?: string): Promise<MerchantView> {
    return this.merchants.create(actor, dto, requestId);
  }

  @Get('merchants')
  @Actors('app', 'county', 'province')
  @AppScopes(...READ)
  list(@CurrentActor() actor: Actor, @Query() q: MerchantListQueryDto): Promise<Page<MerchantView>> {
    return this.merchants.list(actor, q);
  }

  @Get('merchants/:merchantId')
  @Actors('app', 'county', 'province')
  @AppScopes(...READ)
  get(@CurrentActor() actor: Actor, @Param('merchantId', uuidParam('merchant')) merchantId: string): Promise<MerchantView> {
    return this.merchants.get(actor, merchantId);
  }

  @Patch('merchants/:merchantId')
  @Actors('app', 'county', 'province')
  @AppScopes(WRITE)
  update(
    @CurrentActor() actor: Actor,
    @Param('merchantId', uuidParam('merchant')) merchantId: string,
    @Body() dto: UpdateMerchantDto,
    @RequestId() requestId?: string,
  ): Promise<MerchantView> {
    return this.merchants.update(actor, merchantId, dto, requestId);
  }

  @Post('merchants/:merchantId/stores')
  @Actors('app', 'county', 'province')
  @AppScopes(WRITE)
  addStore(
    @CurrentActor() actor: Actor,
    @Param('merchantId', uuidParam('merchant')) merchantId: string,
    @Body() dto: CreateStoreDto,
    @RequestId() requestId?: string,
  ): Promise<StoreView> {
    return this.merchants.addStore(actor, merchantId, dto.name, requestId);
  }

  @Get('stores/:storeId')
  @Actors('app', 'county', 'province')
  @AppScopes(...READ)
  getStore(@CurrentActor() actor: Actor, @Param('storeId', uuidParam('store')) storeId: string): Promise<StoreView> {
    return this.merchants.getStore(actor, storeId);
  }

  @Post('stores/:storeId/terminals')
  @Actors('app', 'county', 'province')
  @AppScopes(WRITE)
  addTerminal(
    @CurrentActor() actor: Actor,
    @Param('storeId', uuidParam('store')) storeId: string,
    @Body() dto: CreateTerminalDto,
    @RequestId() requestId?: string,
  ): Promise<TerminalView> {
    return this.merchants.addTerminal(actor, storeId, dto.serialNo, requestId);
  }
}

/** Review by the county bank (of the merchant's tenant) or the province. */
@Controller('admin/merchants/:merchantId')
@Actors('county', 'province')
export class MerchantReviewController {
  constructor(private readonly merchants: MerchantsService) {}

  @Post('approve')
  @HttpCode(200)
  approve(@CurrentActor() a: Actor, @Param('merchantId', uuidParam('merchant')) id: string, @Body() dto: ReviewDto, @RequestId() r?: string): Promise<MerchantView> {
    return this.merchants.review(a, id, 'approve', dto.reason, r);
  }

  @Post('reject')
  @HttpCode(200)
  reject(@CurrentActor() a: Actor, @Param('merchantId', uuidParam('merchant')) id: string, @Body() dto: ReviewDto, @RequestId() r?: string): Promise<MerchantView> {
    return this.merchants.review(a, id, 'reject', dto.reason, r);
  }

  @Post('suspend')
  @HttpCode(200)
  suspend(@CurrentActor() a: Actor, @Param('merchantId', uuidParam('merchant')) id: string, @Body() dto: ReviewDto, @RequestId() r?: string): Promise<MerchantView> {
    return this.merchants.review(a, id, 'suspend', dto.reason, r);
  }

  @Post('resume')
  @HttpCode(200)
  resume(@CurrentActor() a: Actor, @Param('merchantId', uuidParam('merchant')) id: string, @Body() dto: ReviewDto, @RequestId() r?: string): Promise<MerchantView> {
    return this.merchants.review(a, id, 'resume', dto.reason, r);
  }

  @Post('close')
  @HttpCode(200)
  close(@CurrentActor() a: Actor, @Param('merchantId', uuidParam('merchant')) id: string, @Body() dto: ReviewDto, @RequestId() r?: string): Promise<MerchantView> {
    return this.merchants.review(a, id, 'close', dto.reason, r);
  }
}
