export * from './tracing';
export * from './trace-context';
export * from './tenant-span-processor';
export * from './masking';
export * from './logger';
export * from './http-logging';
export * from './metrics';
