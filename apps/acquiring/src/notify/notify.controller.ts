import { Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { PlatformRoute } from '@countypay/service-kit';
import { NotifyService, type NotifyOutcome } from './notify.service';

/** Channel → us. Not in the public API: authenticated by the notification signature, not by the gateway. */
@Controller('acquiring/notify')
@PlatformRoute('payment channels')
export class NotifyController {
  constructor(private readonly notify: NotifyService) {}

  /** The channel signs JSON.stringify of its object; re-serialising the parsed body reproduces those bytes. */
  @Post(':channel')
  @HttpCode(200)
  receive(
    @Param('channel') channel: string,
    @Headers('x-sandbox-signature') signature: string | undefined,
    @Req() req: Request,
  ): Promise<{ received: true; outcome: NotifyOutcome }> {
    return this.notify.receive(channel, JSON.stringify(req.body ?? null), signature, req.body as unknown);
  }
}
