import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { ApiError, dlqTopic } from '@countypay/contracts';
import { maskSensitiveText } from '@countypay/security';
import { readDeadLetters, replayDeadLetters, type DeadLetter } from '@countypay/messaging';
import { ApiOperation, Authenticated, KAFKA, PRODUCER } from '@countypay/service-kit';
import { DeadLetterPage, ListDeadLettersQuery, ReplayDeadLettersRequest, ReplayDeadLettersResult, TOPICS_WITH_DLQ } from './dto/dead-letters.dto';

/** Province operations: dead-letter queues per topic, inspect and replay (the `npm run dlq` command's API). */
@Controller('v1/ops/dead-letters')
@Authenticated({ actors: ['province'] })
export class DeadLettersController {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(PRODUCER) private readonly producer: Producer,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'listDeadLetters',
    summary: "A topic's dead letters (its .dlq topic), oldest first, with the error each failed with; without a topic, the count per topic",
    tag: 'Operations',
    response: DeadLetterPage,
  })
  async list(@Query() q: ListDeadLettersQuery): Promise<DeadLetterPage> {
    // counts from the partitions' offsets (no consumer); letters only for the one topic asked
    const admin = this.kafka.admin();
    await admin.connect();
    const counts: Array<{ topic: string; count: number }> = [];
    try {
      for (const topic of q.topic ? [q.topic] : TOPICS_WITH_DLQ) {
        const offsets = await admin.fetchTopicOffsets(dlqTopic(topic));
        counts.push({ topic, count: offsets.reduce((n, o) => n + Number(BigInt(o.high) - BigInt(o.low)), 0) });
      }
    } finally {
      await admin.disconnect();
    }
    const letters: DeadLetter[] = q.topic && counts[0]!.count > 0 ? await readDeadLetters(this.kafka, q.topic) : [];
    return {
      topics: counts,
      data: letters.slice(-(q.limit ?? 100)).map((l) => ({
        topic: l.originalTopic,
        partition: l.partition,
        offset: l.offset,
        eventId: l.eventId ?? null,
        eventType: l.headers['event-type'] ?? null,
        tenantId: l.tenantId ?? null,
        failedAt: l.failedAt ?? null,
        attempts: l.attempts ?? null,
        errorCode: l.errorCode ?? null,
        errorMessage: l.errorMessage ? maskSensitiveText(l.errorMessage).slice(0, 500) : null,
        consumerGroup: l.headers['dlq-consumer-group'] ?? null,
        payload: maskSensitiveText(l.value?.toString('utf8') ?? '').slice(0, 4000),
      })),
    };
  }

  /** Safe to repeat: consumers apply each event id once. */
  @Post('replay')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'replayDeadLetters',
    summary: 'Publish dead letters of a topic again to the topic they failed on (by event id), for its consumers to retry',
    tag: 'Operations',
    response: ReplayDeadLettersResult,
    errors: ['not_found'],
  })
  async replay(@Body() body: ReplayDeadLettersRequest): Promise<ReplayDeadLettersResult> {
    const letters = await readDeadLetters(this.kafka, body.topic);
    const chosen = letters.filter((l) => l.eventId && body.eventIds.includes(l.eventId));
    if (chosen.length === 0) throw new ApiError('not_found', `no dead letter with these event ids on ${body.topic}.dlq`, 'eventIds');
    const replayed = await replayDeadLetters(this.producer, chosen);
    return { topic: body.topic, replayed };
  }
}
