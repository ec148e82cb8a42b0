import { Controller, Get, HttpCode, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { KAFKA, SERVICE_NAME } from '../tokens';
import { PlatformRoute } from '../auth/access';

type Check = 'up' | 'down';

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error('timeout')), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

/** Liveness (the process answers) and readiness (its own database and Kafka answer). */
@PlatformRoute('the platform (orchestrator probes)')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly ds: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok'; service: string } {
    return { status: 'ok', service: this.service };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<{ status: 'ok' | 'unavailable'; service: string; checks: Record<string, Check> }> {
    const [database, kafka] = await Promise.all([this.checkDatabase(), this.checkKafka()]);
    const ok = database === 'up' && kafka === 'up';
    res.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', service: this.service, checks: { database, kafka } };
  }

  private async checkDatabase(): Promise<Check> {
    try {
      await within(2000, this.ds.query('select 1'));
      return 'up';
    } catch {
      return 'down';
    }
  }

  private async checkKafka(): Promise<Check> {
    const admin = this.kafka.admin();
    try {
      await within(
        3000,
        admin.connect().then(() => admin.describeCluster()),
      );
      return 'up';
    } catch {
      return 'down';
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
}
