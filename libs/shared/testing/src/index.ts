export { collectTopic, createTestSchema, createTestTopic, eventually, testInfra, testKafka, uniqueName, type TestSchema } from './test-infra';
export {
  callService,
  startTestService,
  testActors,
  testAssertion,
  testServiceAuth,
  testServiceAuthEnv,
  TestPlatformModule,
  verifyTestAssertion,
  type CallOptions,
  type CallResult,
  type TestService,
  type TestServiceOptions,
} from './test-platform';
export { assertKeysetPaging, type PagingCheck } from './paging';
export { runNode, type NodeRun, type RunNodeOptions } from './run-node';
export { refusedLocalPort, startLocalHttpServer, type LocalHttpServer, type ReceivedRequest } from './local-http';
