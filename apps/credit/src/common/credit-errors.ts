import { ApiError, type ErrorCode } from '@countypay/contracts';
import type { CreditRuleCode, RuleFailure } from '../domain/credit-rules';

const CODE: Record<CreditRuleCode, ErrorCode> = {
  product_invalid: 'credit_product_invalid',
  apr_above_ceiling: 'apr_above_ceiling',
  installments_not_allowed: 'installments_not_allowed',
  line_not_active: 'credit_line_not_active',
  line_expired: 'credit_line_expired',
  credit_insufficient: 'credit_insufficient',
  out_of_region: 'out_of_region',
  limit_above_unsecured_cap: 'limit_above_unsecured_cap',
  amount_invalid: 'invalid_request',
};

/** A domain rule's refusal as the public error (stable code, the offending field). */
export function ruleError(f: RuleFailure): ApiError {
  return new ApiError(CODE[f.code], f.message, f.param);
}
