import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, Auth, Authenticated, InternalRoute, RequestId, uuidParam, type Actor } from '@countypay/service-kit';
import { ConsoleAccountsService } from './console-accounts.service';
import {
  ConsoleLogin,
  ConsoleSessionView,
  ConsoleSignedIn,
  ConsoleSignInRequest,
  ConsoleSignOutRequest,
  ResolveConsoleSessionRequest,
  SetConsoleLoginRequest,
} from './dto/console-account.dto';

@Controller()
export class ConsoleAccountsController {
  constructor(private readonly accounts: ConsoleAccountsService) {}

  @Post('admin/operators/:operatorId/console-login')
  @HttpCode(200)
  @Authenticated({ actors: ['province'] })
  @ApiOperation({
    operationId: 'setOperatorConsoleLogin',
    summary: "Set or reset an operator's ops-console user name and password (unlocks the account and ends its console sessions)",
    tag: 'Operators',
    response: ConsoleLogin,
    errors: ['conflict'],
  })
  setLogin(
    @Auth() actor: Actor,
    @Param('operatorId', uuidParam('operator')) operatorId: string,
    @Body() dto: SetConsoleLoginRequest,
    @RequestId() requestId?: string,
  ): Promise<ConsoleLogin> {
    return this.accounts.setLogin(actor, operatorId, dto, requestId);
  }

  /** The gateway signs an operator in to the console: 401 invalid_credentials, 423 account_locked. */
  @Post('internal/console/sign-in')
  @InternalRoute({ callers: ['gateway'] })
  @HttpCode(200)
  signIn(@Body() dto: ConsoleSignInRequest, @RequestId() requestId?: string): Promise<ConsoleSignedIn> {
    return this.accounts.signIn(dto.username, dto.password, requestId);
  }

  /** The gateway resolves a console session cookie (and checks an unsafe request's CSRF token). */
  @Post('internal/console/session')
  @InternalRoute({ callers: ['gateway'] })
  @HttpCode(200)
  resolve(@Body() dto: ResolveConsoleSessionRequest, @RequestId() requestId?: string): Promise<ConsoleSessionView> {
    return this.accounts.resolve(dto, requestId);
  }

  @Post('internal/console/sign-out')
  @InternalRoute({ callers: ['gateway'] })
  @HttpCode(204)
  async signOut(@Body() dto: ConsoleSignOutRequest, @RequestId() requestId?: string): Promise<void> {
    await this.accounts.signOut(dto.sessionToken, requestId);
  }
}
