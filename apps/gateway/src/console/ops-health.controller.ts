import { Controller, Get, Inject } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { dlqTopic } from '@countypay/contracts';
import { KafkaConfig } from '@countypay/config';
import { col, inScope, many, rowOf, type TransactionScope } from '@countypay/persistence';
import { ApiOperation, Auth, Authenticated, KAFKA, type Actor } from '@countypay/service-kit';
import { TOPICS_WITH_DLQ } from './dto/dead-letters.dto';
import { OpsHealth, type ConsumerGroupLag, type CountyWebhookBacklog } from './dto/ops-health.dto';
import { isPlatformGroup, topicLag } from './ops-health';
import { OutboxLag } from './outbox-lag';

const BACKLOG = rowOf({ tenantId: col.text(), pending: col.int(), oldestDueSeconds: col.float() });

/** The platform's health for the ops console's overview: consumer lag, outbox lag per service, webhook backlog per county, dead letters. */
@Controller('v1/ops/health')
@Authenticated({ actors: ['province', 'county'] })
export class OpsHealthController {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly kafkaConfig: KafkaConfig,
    private readonly ds: DataSource,
    private readonly outbox: OutboxLag,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getOpsHealth',
    summary: "The platform's health: each consumer group's lag, each service's outbox lag, the webhook backlog per county and the dead letters per topic",
    description: 'A county operator gets the consumer lag and its own county’s webhook backlog; dead letters are the province’s (null for a county operator).',
    tag: 'Operations',
    response: OpsHealth,
  })
  async health(@Auth() actor: Actor): Promise<OpsHealth> {
    const county = actor.type === 'county' ? actor.tenantId : undefined;
    const [kafka, webhookBacklog, outboxLag] = await Promise.all([this.fromKafka(county === undefined), this.webhookBacklog(county), this.outbox.measure()]);
    return { consumers: kafka.consumers, webhookBacklog, outboxLag, deadLetters: kafka.deadLetters };
  }

  private async fromKafka(withDeadLetters: boolean): Promise<{ consumers: ConsumerGroupLag[]; deadLetters: Array<{ topic: string; count: number }> | null }> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const prefix = this.kafkaConfig.KAFKA_GROUP_PREFIX;
      const { groups } = await admin.listGroups();
      const ids = groups.map((g) => g.groupId).filter((g) => isPlatformGroup(g, prefix));
      const topicOffsets = new Map<string, Awaited<ReturnType<typeof admin.fetchTopicOffsets>>>();
      const offsetsOf = async (topic: string) => {
        let o = topicOffsets.get(topic);
        if (!o) {
          o = await admin.fetchTopicOffsets(topic);
          topicOffsets.set(topic, o);
        }
        return o;
      };
      const consumers: ConsumerGroupLag[] = [];
      for (const groupId of ids.sort()) {
        const committed = await admin.fetchOffsets({ groupId });
        const topics = [];
        for (const t of committed) topics.push({ topic: t.topic, lag: topicLag(await offsetsOf(t.topic), t.partitions) });
        topics.sort((a, b) => a.topic.localeCompare(b.topic));
        consumers.push({ group: groupId, lag: topics.reduce((n, t) => n + t.lag, 0), topics });
      }
      let deadLetters: Array<{ topic: string; count: number }> | null = null;
      if (withDeadLetters) {
        deadLetters = [];
        for (const topic of TOPICS_WITH_DLQ) {
          const offsets = await admin.fetchTopicOffsets(dlqTopic(topic));
          deadLetters.push({ topic, count: offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0) });
        }
      }
      return { consumers, deadLetters };
    } finally {
      await admin.disconnect();
    }
  }

  /** Pending deliveries per county: the province reads every county (the dispatcher's scope), a county its own (RLS). */
  private webhookBacklog(county: string | undefined): Promise<CountyWebhookBacklog[]> {
    const scope: TransactionScope = county ? { tenantId: county } : { role: 'webhook_dispatcher' };
    return inScope(this.ds, scope, (em) =>
      many(
        em,
        BACKLOG,
        `select tenant_id, count(*)::int as pending,
                coalesce(extract(epoch from now() - min(next_attempt_at) filter (where next_attempt_at <= now())), 0)::float8 as oldest_due_seconds
           from webhook_deliveries where status = 'pending'
          group by tenant_id order by tenant_id`,
      ),
    );
  }
}
