export declare const eventStreamSerdeProvider: () => { serialize(): never; deserialize(): never };
export declare const resolveEventStreamSerdeConfig: <
  T extends { eventStreamSerdeProvider: (input: T) => unknown },
>(
  input: T,
) => T & { eventStreamMarshaller: unknown };
export declare class EventStreamSerde {
  constructor();
}
