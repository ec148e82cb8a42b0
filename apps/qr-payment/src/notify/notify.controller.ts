import { Controller, Headers, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { PlatformRoute } from '@countypay/service-kit';
import { NotifyService } from './notify.service';

/** Channel → us. Not in the public API: authenticated by the notification signature, not by the gateway. */
@Controller('qr/notify')
@PlatformRoute('payment channels')
export class NotifyController {
  constructor(private readonly notify: NotifyService) {}

  /**
   * The signature is checked before the body is validated, so an unsigned caller learns
   * nothing about the expected shape. The body parser keeps no raw bytes: the channel signs
   * JSON.stringify of its object, and re-serialising the parsed JSON (same key order, no
   * whitespace) reproduces those bytes.
   */
  @Post(':channel')
  @HttpCode(200)
  receive(@Param('channel') channel: string, @Headers('x-sandbox-signature') signature: string | undefined, @Req() req: Request) {
    return this.notify.receive(channel, JSON.stringify(req.body ?? null), signature, req.body as unknown);
  }
}
