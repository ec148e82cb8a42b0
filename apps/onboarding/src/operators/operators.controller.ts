import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, InternalRoute, RequestId, uuidParam, type Actor } from '@countypay/service-kit';
import { AuthenticateOperatorRequest, CreatedOperator, CreateOperatorRequest, ListOperatorsQuery, Operator } from './dto/operator.dto';
import { OperatorsService, type AuthenticatedOperator } from './operators.service';

@Controller()
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  /** The gateway resolves an operator's bearer token (`cpo_…`): 401 invalid_operator_token when unknown or disabled. */
  @Post('internal/operators/authenticate')
  @InternalRoute({ callers: ['gateway'] })
  @HttpCode(200)
  authenticate(@Body() dto: AuthenticateOperatorRequest): Promise<AuthenticatedOperator> {
    return this.operators.authenticate(dto.token);
  }

  @Post('admin/operators')
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'createOperator',
    summary: 'Create a console operator for a county bank or the province; the answer carries its bearer token, shown this once',
    tag: 'Operators',
    response: CreatedOperator,
    errors: ['not_found'],
  })
  create(@Auth() actor: Actor, @Body() dto: CreateOperatorRequest, @RequestId() requestId?: string): Promise<CreatedOperator> {
    return this.operators.create(actor, dto, requestId);
  }

  @Get('admin/operators')
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'listOperators',
    summary: 'List console operators, newest first (tokens are never shown)',
    tag: 'Operators',
    response: { page: Operator },
  })
  list(@Query() q: ListOperatorsQuery): Promise<Page<Operator>> {
    return this.operators.list(q);
  }

  @Post('admin/operators/:operatorId/disable')
  @HttpCode(200)
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'disableOperator',
    summary: 'Disable a console operator: its bearer token stops working at once',
    tag: 'Operators',
    response: Operator,
    errors: ['invalid_state_transition'],
  })
  disable(@Auth() actor: Actor, @Param('operatorId', uuidParam('operator')) operatorId: string, @RequestId() requestId?: string): Promise<Operator> {
    return this.operators.disable(actor, operatorId, requestId);
  }
}
