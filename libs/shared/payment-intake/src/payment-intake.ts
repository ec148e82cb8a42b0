import type { EntityManager } from 'typeorm';
import { ApiError, type ErrorCode, type PaymentChannel, type PaymentProduct } from '@countypay/contracts';
import { shanghaiBusinessDay } from './business-day';
import { advisoryPayerLock, payerLockKey, type PayerLock } from './payer-lock';

/**
 * How every payment product (qr, acquiring, credit) starts a payment — one intake, one order of
 * checks, one payer-lock key (docs/adr/0007). Inside the caller's tenant transaction:
 *
 *   1. the tenant's configuration            (a suspended county takes no payments)
 *   2. product, then channel, enabled        (the channel may be chosen from the config: a payer code's wallet)
 *   3. merchant active, store/terminal rules
 *   4. the payer serialised                  (`payer:<tenantId>:<payerRef>`, pg_advisory_xact_lock)
 *   5. what the payer already paid today     (the product's ledger of its own orders)
 *   6. the limit decision                    (a pure rule the product passes in)
 *   7. the state transition                  (the product's transition table)
 *   8. the order written                     (the product's repository: insert, or move an existing order)
 *
 * What is product-specific comes in through typed ports (constructor) and the request (per
 * payment); the rules a request carries (channel choice, store/terminal, limit) are pure and
 * answer a `Decision`. A refusal stops the intake before any later step runs — in particular
 * before the payer is locked and before anything is written — and is thrown as the `ApiError`
 * it names; the caller's transaction then rolls back.
 */

/** A rule's "no": the stable error code, a message for the partner developer, the field concerned. */
export interface Refusal {
  readonly ok: false;
  readonly code: ErrorCode;
  readonly message: string;
  readonly param?: string;
}

/** What a pure rule of the intake answers. */
export type Decision<T> = { readonly ok: true; readonly value: T } | Refusal;

export function allow<T>(value: T): Decision<T> {
  return { ok: true, value };
}

export function refuse(code: ErrorCode, message: string, param?: string): Refusal {
  return { ok: false, code, message, ...(param !== undefined ? { param } : {}) };
}

/** The API error a refusal is answered with. */
export function refusalError(r: Refusal): ApiError {
  return new ApiError(r.code, r.message, r.param);
}

function unwrap<T>(d: Decision<T>): T {
  if (!d.ok) throw refusalError(d);
  return d.value;
}

// ---------------------------------------------------------------------------------------
// Ports: what the product plugs in once
// ---------------------------------------------------------------------------------------

/**
 * The tenant and its merchants, as the product's read model of onboarding knows them
 * (`OnboardingReadModel` of `@countypay/read-models` is one). The methods throw the API error
 * of their refusal.
 */
export interface TenantPort<C, M> {
  /** the tenant's configuration (`tenantId`: the transaction's tenant); refuses a suspended tenant (`tenant_suspended`) */
  tenantConfig(em: EntityManager, tenantId: string): Promise<C>;
  /** refuses a product, or a channel of it, the tenant has not enabled (`channel_not_enabled`) */
  assertEnabled(config: C, product: PaymentProduct, channel?: PaymentChannel): void;
  /** the merchant, which must exist in the tenant (`not_found`) and be active (`merchant_not_active`) */
  activeMerchant(em: EntityManager, merchantId: string, tenantId: string): Promise<M>;
}

export interface PaidTodayQuery<P> {
  /** the tenant of the transaction, to be named in the product's statement (RLS alone drives no index) */
  tenantId: string;
  /** the product's identity of the payer (what its orders record about the payer) */
  payer: P;
  /** YYYY-MM-DD, Asia/Shanghai */
  businessDay: string;
  channel: PaymentChannel | undefined;
}

/** The product's own orders, as far as a payer's daily total is concerned. */
export interface PayerLedgerPort<P> {
  /** what the payer has paid, or is paying, on `businessDay` — integer fen */
  paidToday(em: EntityManager, q: PaidTodayQuery<P>): Promise<bigint>;
  /**
   * Optional: the payer lock (`pg_advisory_xact_lock` on `lockKey`, held until the transaction ends)
   * and then `paidToday`, in one round trip (issue 14) — the sum must be taken AFTER the lock is held,
   * with a snapshot of its own (a statement of a VOLATILE function after the lock, or a later
   * statement). Used instead of the lock port + `paidToday` when the intake locks with its default lock.
   */
  lockedPaidToday?(em: EntityManager, lockKey: string, q: PaidTodayQuery<P>): Promise<bigint>;
}

/** The product's transition table, checked in one function. */
export type TransitionRule<S extends string, E extends string> = (
  from: S,
  event: E,
) => { readonly ok: true; readonly state: S } | { readonly ok: false; readonly message: string };

export interface PaymentIntakePorts<C, M, P, S extends string, E extends string> {
  product: PaymentProduct;
  tenants: TenantPort<C, M>;
  payers: PayerLedgerPort<P>;
  transition: TransitionRule<S, E>;
  /** default: `pg_advisory_xact_lock` on the payer-lock key */
  lockPayer?: PayerLock;
  /** default: the system clock */
  clock?: () => Date;
}

// ---------------------------------------------------------------------------------------
// Requests: what each payment brings
// ---------------------------------------------------------------------------------------

/** Where a payment is taken: the merchant's store and terminal, when named. */
export interface Place {
  readonly storeId: string | null;
  readonly terminalId: string | null;
}

export const NO_PLACE: Place = { storeId: null, terminalId: null };

/** Steps 1-3: may this merchant of this tenant take a payment (through this channel), here? */
export interface AdmissionRequest<C, M> {
  tenantId: string;
  merchantId: string;
  /** the channel, or the rule that chooses it from the tenant's config (a payer code's wallet…); none: not chosen yet */
  channel?: PaymentChannel | ((config: C) => Decision<PaymentChannel>);
  /** the store/terminal rules of the merchant (pure); none: no place named */
  place?: (merchant: M) => Decision<Place>;
}

export interface Admission<C, M> {
  tenantId: string;
  config: C;
  merchant: M;
  channel: PaymentChannel | undefined;
  place: Place;
}

export interface LimitInput<C, M> {
  config: C;
  merchant: M;
  channel: PaymentChannel | undefined;
  amountFen: bigint;
  alreadyPaidTodayFen: bigint;
}

/** The payer of a payment: `ref` names its lock (`payer:<tenantId>:<ref>`), `identity` is what the ledger query matches. */
export interface PayerSpec<P> {
  ref: string;
  identity: P;
}

export interface PaymentRequest<C, M, P, S extends string, E extends string, O> extends AdmissionRequest<C, M> {
  /** integer fen, positive */
  amountFen: bigint;
  /**
   * The payer, when the payment counts against a per-payer limit — known up front, or only once
   * the channel is chosen (a wallet's payer id is scoped to its channel).
   */
  payer?: PayerSpec<P> | ((admission: Admission<C, M>) => PayerSpec<P>);
  /** the product's limit rule (pure); needs `payer` */
  limit?: (input: LimitInput<C, M>) => Decision<unknown>;
  /** the state the order is in (a new order: the table's initial state) */
  from: S;
  /** the event that starts the payment; none: the order is recorded in `from` (e.g. a code waiting for its payer) */
  event?: E;
  /** the refusal when `event` does not apply to `from` (an existing order already paid…); without it that is a bug */
  notAllowed?: (message: string) => Refusal;
  /** step 8: the product's repository writes the order (insert a new one, or move an existing one conditionally) */
  persist: (em: EntityManager, intake: Intake<C, M, P, S>) => Promise<O>;
}

/** Everything the intake established, handed to `persist` and returned with the order. */
export interface Intake<C, M, P, S> extends Admission<C, M> {
  /** YYYY-MM-DD (Asia/Shanghai) the payment counts on */
  businessDay: string;
  /** the state to write */
  state: S;
  /** the payer, when there is one */
  payer: PayerSpec<P> | null;
  /** the payer's total before this payment, when a limit was checked */
  paidTodayFen: bigint | null;
}

export interface Started<C, M, P, S, O> extends Intake<C, M, P, S> {
  order: O;
}

/** One intake per product, built once with the product's ports. */
export class PaymentIntake<C, M, P, S extends string, E extends string> {
  private readonly lockPayer: PayerLock;
  /** the default advisory lock: the ledger port may take it with its sum (`lockedPaidToday`) */
  private readonly defaultLock: boolean;
  private readonly clock: () => Date;

  constructor(private readonly ports: PaymentIntakePorts<C, M, P, S, E>) {
    this.lockPayer = ports.lockPayer ?? advisoryPayerLock;
    this.defaultLock = ports.lockPayer === undefined;
    this.clock = ports.clock ?? (() => new Date());
  }

  /**
   * Steps 1-3 only — for what comes before a payment (a static code's page, an order waiting
   * for its payer): the tenant takes payments of this product (and channel), the merchant is
   * active, the store/terminal rules hold.
   */
  async admit(em: EntityManager, req: AdmissionRequest<C, M>): Promise<Admission<C, M>> {
    const { tenants, product } = this.ports;
    const config = await tenants.tenantConfig(em, req.tenantId);
    tenants.assertEnabled(config, product);
    const channel = req.channel === undefined ? undefined : typeof req.channel === 'function' ? unwrap(req.channel(config)) : req.channel;
    if (channel !== undefined) tenants.assertEnabled(config, product, channel);
    const merchant = await tenants.activeMerchant(em, req.merchantId, req.tenantId);
    const place = req.place ? unwrap(req.place(merchant)) : NO_PLACE;
    return { tenantId: req.tenantId, config, merchant, channel, place };
  }

  /** Steps 1-8 inside the caller's tenant transaction; the order `persist` wrote, and what led to it. */
  async start<O>(em: EntityManager, req: PaymentRequest<C, M, P, S, E, O>): Promise<Started<C, M, P, S, O>> {
    if (typeof req.amountFen !== 'bigint' || req.amountFen <= 0n) throw new RangeError(`amountFen must be a positive bigint, got ${String(req.amountFen)}`);
    if (req.limit && !req.payer) throw new Error('a payment limit is per payer: the request needs its payer');
    const businessDay = shanghaiBusinessDay(this.clock());

    const admission = await this.admit(em, req);

    const payer = req.payer === undefined ? null : typeof req.payer === 'function' ? req.payer(admission) : req.payer;
    let paidTodayFen: bigint | null = null;
    if (payer) {
      const lockKey = payerLockKey(req.tenantId, payer.ref);
      const q: PaidTodayQuery<P> = { tenantId: req.tenantId, payer: payer.identity, businessDay, channel: admission.channel };
      const { payers } = this.ports;
      if (req.limit && this.defaultLock && payers.lockedPaidToday) paidTodayFen = await payers.lockedPaidToday(em, lockKey, q);
      else {
        await this.lockPayer(em, lockKey);
        if (req.limit) paidTodayFen = await payers.paidToday(em, q);
      }
      if (req.limit && paidTodayFen !== null) {
        unwrap(
          req.limit({
            config: admission.config,
            merchant: admission.merchant,
            channel: admission.channel,
            amountFen: req.amountFen,
            alreadyPaidTodayFen: paidTodayFen,
          }),
        );
      }
    }

    let state = req.from;
    if (req.event !== undefined) {
      const next = this.ports.transition(req.from, req.event);
      if (!next.ok) {
        if (req.notAllowed) throw refusalError(req.notAllowed(next.message));
        throw new Error(`payment intake: ${next.message}`);
      }
      state = next.state;
    }

    const intake: Intake<C, M, P, S> = { ...admission, businessDay, state, payer, paidTodayFen };
    const order = await req.persist(em, intake);
    return { ...intake, order };
  }
}
