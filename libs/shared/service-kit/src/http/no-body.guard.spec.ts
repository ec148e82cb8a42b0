import { Body, Controller, Post } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ApiError } from '@countypay/contracts';
import { NoBodyGuard } from './no-body.guard';

@Controller('t')
class Routes {
  @Post('suspend')
  suspend(): void {}

  @Post('create')
  create(@Body() _dto: unknown): void {}
}

const ctx = (handler: string, body: unknown): ExecutionContext =>
  ({
    getType: () => 'http',
    getClass: () => Routes,
    getHandler: () => (Routes.prototype as unknown as Record<string, () => void>)[handler],
    switchToHttp: () => ({ getRequest: () => ({ body }) }),
  }) as unknown as ExecutionContext;

describe('NoBodyGuard', () => {
  const guard = new NoBodyGuard();

  it('lets a body-less action through without a body or with an empty object', () => {
    expect(guard.canActivate(ctx('suspend', undefined))).toBe(true);
    expect(guard.canActivate(ctx('suspend', {}))).toBe(true);
  });

  it('refuses fields sent to a route that takes no body (the action must not run ignoring them)', () => {
    expect(() => guard.canActivate(ctx('suspend', { unexpected: 1 }))).toThrow(ApiError);
    try {
      guard.canActivate(ctx('suspend', { unexpected: 1 }));
    } catch (e) {
      expect(e).toMatchObject({ code: 'unknown_field', param: 'unexpected' });
    }
    expect(() => guard.canActivate(ctx('suspend', [1]))).toThrow(/takes no request body/);
  });

  it('leaves routes that take a body to their validation', () => {
    expect(guard.canActivate(ctx('create', { anything: true }))).toBe(true);
  });
});
