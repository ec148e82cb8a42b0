import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';

/** Span attribute that carries the tenant (county legal entity) code. */
export const TENANT_ATTRIBUTE = 'tenant.id';

/**
 * Stamps `tenant.id` on every span when it starts, from the getter the tenancy lib
 * provides (an AsyncLocalStorage read). It exports nothing itself.
 */
export class TenantSpanProcessor implements SpanProcessor {
  constructor(private readonly getTenantId: () => string | undefined) {}

  /** Sets `tenant.id` on the starting span when a tenant is in scope. */
  onStart(span: Span, _parentContext: Context): void {
    const tenantId = this.getTenantId();
    if (tenantId) span.setAttribute(TENANT_ATTRIBUTE, tenantId);
  }

  /** Nothing to do when a span ends. */
  onEnd(_span: ReadableSpan): void {
    // stateless
  }

  /** Nothing buffered. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
