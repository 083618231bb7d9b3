import { createRequire } from 'node:module';

/** A user record as awslabs' `aws-kinesis-agg` returns it (data base64). */
export interface AwsAggUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  sequenceNumber?: string;
  subSequenceNumber?: number;
  data: string;
}

/** The parts of awslabs' `aws-kinesis-agg` (CommonJS, loosely typed) the tests use. */
export interface AwsKinesisAgg {
  deaggregateSync(
    record: {
      partitionKey: string;
      data: string;
      sequenceNumber?: string;
      explicitPartitionKey?: string;
    },
    computeChecksums: boolean,
    callback: (error: Error | null | undefined, records?: AwsAggUserRecord[]) => void,
  ): void;
  RecordAggregator: new () => {
    addUserRecord(record: { partitionKey: string; explicitHashKey?: string; data: Buffer }): void;
    build(): { partitionKey: string; data: Buffer; ExplicitHashKey?: string } | undefined;
    length(): number;
  };
}

/** awslabs' reference implementation of the KPL aggregation format for Node. */
export const awsKinesisAgg = createRequire(import.meta.url)('aws-kinesis-agg') as AwsKinesisAgg;

/** Deaggregates with `aws-kinesis-agg`, checking the MD5 trailer; throws what it reports. */
export function referenceDeaggregate(record: {
  partitionKey: string;
  data: Uint8Array;
  sequenceNumber?: string;
}): AwsAggUserRecord[] {
  let result: AwsAggUserRecord[] | undefined;
  let failure: Error | null | undefined;
  awsKinesisAgg.deaggregateSync(
    {
      partitionKey: record.partitionKey,
      data: Buffer.from(record.data).toString('base64'),
      sequenceNumber: record.sequenceNumber,
    },
    true,
    (error, records) => {
      failure = error;
      result = records;
    },
  );
  if (failure) throw failure;
  return result ?? [];
}
