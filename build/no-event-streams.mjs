// Stand-in for `@smithy/core/event-streams` in the function bundles (see esbuild-plugins.mjs). No
// function calls an operation with an event stream (S3 SelectObjectContent, Lambda
// InvokeWithResponseStream...), yet the S3 and Lambda clients import the codec, marshallers and serde
// (14 KiB) to build their marshaller at construction. Here the marshaller exists and refuses to work.

const refuse = () => {
  throw new Error('event streams are left out of the function bundles (build/esbuild-plugins.mjs)');
};

/** The clients' marshaller: present, so that they construct; any use of it throws. */
export const eventStreamSerdeProvider = () => ({ serialize: refuse, deserialize: refuse });

export const resolveEventStreamSerdeConfig = (input) =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

/** What a protocol loads for an operation with an event stream: refused. */
export class EventStreamSerde {
  constructor() {
    refuse();
  }
}
