export { eventStoreContractSuite, type ContractSuiteOptions } from './contract-suite.js';
export type { LoadShape } from './concurrency-case.js';
export { anEvent, someEvents, someMetadata, uniqueStream, expectStrictlyIncreasing } from './fixtures.js';
export { waitFor } from './subscription-cases.js';
