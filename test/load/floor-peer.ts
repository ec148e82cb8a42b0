// The other end of `npm run bench:floor`'s hops, in its own process so that its CPU is counted apart
// from the load generator's: a bare node:http server, the same route behind NestJS (Express, a
// class-validator DTO and the ValidationPipe, as every service has it), or a kafkajs consumer group.
// Started by floor.bench.ts with the role as its argument; prints `ready <port>` (or `ready`) on stdout
// and, for the consumer, `consumed <n>` lines; ends when its stdin closes.
import 'reflect-metadata';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Body, Controller, HttpCode, Module, Post, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { Kafka, logLevel } from 'kafkajs';

/** What every hop carries, in shape and size like a payer-code request (≈ 300 bytes of JSON). */
export class FloorPayDto {
  @IsString()
  @Matches(/^t\d{6}$/)
  tenantId!: string;

  @IsString()
  @Length(1, 64)
  outTradeNo!: string;

  @IsInt()
  @Min(1)
  @Max(100_000_000_00)
  amountFen!: number;

  @IsString()
  @Length(18, 18)
  authCode!: string;

  @IsString()
  @Length(1, 128)
  subject!: string;
}

function answer(body: FloorPayDto): { orderId: string; state: string; amountFen: number; outTradeNo: string } {
  return { orderId: `ord_${body.outTradeNo}`, state: 'succeeded', amountFen: body.amountFen, outTradeNo: body.outTradeNo };
}

function exitWithParent(cleanup: () => Promise<void> | void): void {
  process.stdin.resume();
  process.stdin.on('end', () => {
    void Promise.resolve(cleanup()).finally(() => process.exit(0));
  });
}

async function bareHttp(): Promise<void> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: FloorPayDto;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FloorPayDto;
      } catch {
        res.writeHead(400).end();
        return;
      }
      const out = JSON.stringify(answer(body));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) }).end(out);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
  exitWithParent(() => new Promise<void>((r) => server.close(() => r())));
}

@Controller()
class FloorController {
  @Post('pay')
  @HttpCode(200)
  pay(@Body() body: FloorPayDto): ReturnType<typeof answer> {
    return answer(body);
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

async function nestHttp(): Promise<void> {
  const app = await NestFactory.create(FloorModule, { logger: false });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as { address(): AddressInfo; keepAliveTimeout: number };
  server.keepAliveTimeout = 60_000;
  process.stdout.write(`ready ${server.address().port}\n`);
  exitWithParent(() => app.close());
}

async function consumer(brokers: string[], topic: string, group: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'floor-consumer', brokers, logLevel: logLevel.NOTHING });
  // as the platform's consumers (libs/shared/messaging, idempotent-consumer.ts): a 5 s long poll,
  // three partitions at a time, and a 50 ms linger after a batch of fewer than 100 messages
  // (CONSUMER_LINGER_MS), which lets the next fetch carry more
  const c = kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 2000, maxWaitTimeInMs: 5000 });
  await c.connect();
  await c.subscribe({ topic, fromBeginning: false });
  let consumed = 0;
  let joined = false;
  c.on(c.events.GROUP_JOIN, () => {
    if (!joined) process.stdout.write('ready\n');
    joined = true;
  });
  await c.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      for (const m of batch.messages) {
        // what a consumer does with every event at least: parse it and read the tenant header
        JSON.parse(m.value?.toString('utf8') ?? 'null');
        void m.headers?.['tenant-id']?.toString();
        resolveOffset(m.offset);
        consumed++;
      }
      await heartbeat();
      if (batch.messages.length < 100) await new Promise((r) => setTimeout(r, 50));
    },
  });
  const timer = setInterval(() => process.stdout.write(`consumed ${consumed}\n`), 500);
  exitWithParent(async () => {
    clearInterval(timer);
    process.stdout.write(`consumed ${consumed}\n`);
    await c.disconnect();
  });
}

const [role, ...args] = process.argv.slice(2);
const started =
  role === 'http'
    ? bareHttp()
    : role === 'nest'
      ? nestHttp()
      : role === 'consumer'
        ? consumer(args[0]!.split(','), args[1]!, args[2]!)
        : Promise.reject(new Error(`unknown role ${role}`));
started.catch((err: unknown) => {
  process.stderr.write(`floor-peer ${role}: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
