import 'reflect-metadata';
export { ConfigError, Sensitive, loadConfig } from './load-config';
export { DatabaseConfig, HttpConfig, KafkaConfig } from './common.config';
export { ServiceUrlsConfig } from './service-urls.config';
