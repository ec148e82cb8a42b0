import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { type Actor } from '../common/actor';
import { Actors, CurrentActor, RequestId } from '../common/actors.guard';
import { type Page } from '../common/pagination';
import { uuidParam } from '../common/params';
import { AuthenticateOperatorDto, CreateOperatorDto, OperatorListQueryDto } from './dto/operator.dto';
import { OperatorsService, type AuthenticatedOperator, type OperatorView } from './operators.service';

@Controller()
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  /** Gateway only: resolves a bearer token (`cpo_…`). */
  @Post('internal/operators/authenticate')
  @HttpCode(200)
  authenticate(@Body() dto: AuthenticateOperatorDto): Promise<AuthenticatedOperator> {
    return this.operators.authenticate(dto.token);
  }

  @Post('admin/operators')
  @Actors('province')
  create(@CurrentActor() actor: Actor, @Body() dto: CreateOperatorDto, @RequestId() requestId?: string): Promise<OperatorView & { token: string }> {
    return this.operators.create(actor, dto, requestId);
  }

  @Get('admin/operators')
  @Actors('province')
  list(@Query() q: OperatorListQueryDto): Promise<Page<OperatorView>> {
    return this.operators.list(q);
  }

  @Post('admin/operators/:operatorId/disable')
  @HttpCode(200)
  @Actors('province')
  disable(@CurrentActor() actor: Actor, @Param('operatorId', uuidParam('operator')) operatorId: string, @RequestId() requestId?: string): Promise<OperatorView> {
    return this.operators.disable(actor, operatorId, requestId);
  }
}
