export * from './tracing';
export * from './trace-context';
export * from './trace-sampling';
export * from './tenant-span-processor';
export * from './span-selection';
// the one masking module is @countypay/security's; logs use it with `inText`
export { REDACTED, maskCardNumber, maskName, maskPersonalData, maskPhone, maskResidentId as maskIdNumber, maskSensitiveText } from '@countypay/security';
export * from './logger';
export * from './http-logging';
export * from './metrics';
export * from './http-client';
