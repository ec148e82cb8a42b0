import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, actorTenant, uuidParam, type Actor } from '@countypay/service-kit';
import { CreateCreditProductRequest, CreditProduct } from './dto/products.dto';
import { ProductsService } from './products.service';

@Controller('credit/products')
export class ProductsController {
  constructor(private readonly products: ProductsService) {}

  @Post()
  @Authenticated({ actors: ['county', 'province'] })
  @ApiOperation({
    operationId: 'createCreditProduct',
    summary: 'Set up a credit product of the county bank (checked against the APR ceiling, audited)',
    tag: 'Credit',
    response: CreditProduct,
    errors: ['credit_product_invalid', 'apr_above_ceiling', 'conflict'],
  })
  create(@Auth() actor: Actor, @Body() dto: CreateCreditProductRequest): Promise<CreditProduct> {
    return this.products.create(actor, actorTenant(actor), dto);
  }

  @Get()
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({ operationId: 'listCreditProducts', summary: "The county bank's credit products", tag: 'Credit', response: { array: CreditProduct } })
  list(@Auth() actor: Actor): Promise<{ data: CreditProduct[] }> {
    return this.products.list(actorTenant(actor));
  }

  @Get(':id')
  @Authenticated({ actors: ['app', 'county', 'province'], scopes: ['credit:pay'] })
  @ApiOperation({ operationId: 'getCreditProduct', summary: 'A credit product', tag: 'Credit', response: CreditProduct })
  get(@Auth() actor: Actor, @Param('id', uuidParam('credit product')) id: string): Promise<CreditProduct> {
    return this.products.get(actorTenant(actor), id);
  }
}
