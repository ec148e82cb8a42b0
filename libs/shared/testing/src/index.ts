export { collectTopic, createTestSchema, createTestTopic, eventually, testInfra, testKafka, uniqueName, type TestSchema } from './test-infra';
