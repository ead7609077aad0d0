export { isWriteApi, type SimChange, type SimOptions, SimulatedCloud } from './cloud.js';
export { cloudTrailEventFor, type SimCaller } from './cloudtrail.js';
export { sampleSimState } from './sample.js';
export {
  loadSimState,
  parseSimState,
  type SimAccount,
  type SimBucket,
  type SimFault,
  type SimRegion,
  type SimState,
  SimStateError,
  type SimStateInput,
  SimStateSchema,
} from './state.js';
