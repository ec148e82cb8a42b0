import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Metrics } from '@countypay/observability';
import { METRICS } from '../tokens';
import { PlatformRoute } from '../auth/access';

/** Prometheus exposition of the service's registry. */
@PlatformRoute('the platform (Prometheus)')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  @Get()
  async render(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    res.setHeader('Content-Type', contentType);
    res.send(body);
  }
}
