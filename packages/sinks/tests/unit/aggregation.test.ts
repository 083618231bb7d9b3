import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  deaggregate,
  isAggregated,
  KINESIS_MAX_RECORD_BYTES,
  KplAggregationError,
  KplAggregator,
} from '../../src/index.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** Magic, `protobuf`, MD5 of `protobuf`: a KPL frame around a hand-made message. */
function kplFrame(protobuf: Uint8Array): Uint8Array {
  const digest = createHash('md5').update(protobuf).digest();
  return Uint8Array.from([0xf3, 0x89, 0x9a, 0xc2, ...protobuf, ...digest]);
}

describe('KplAggregator', () => {
  it('builds a record starting with the KPL magic bytes and ending with the MD5 of the protobuf', () => {
    const aggregator = new KplAggregator();
    aggregator.tryAdd({ partitionKey: 'AAPL', data: bytes('one') });
    aggregator.tryAdd({ partitionKey: 'AAPL', data: bytes('two') });

    const built = aggregator.build();

    expect([...built.data.subarray(0, 4)]).toEqual([0xf3, 0x89, 0x9a, 0xc2]);
    const digest = createHash('md5').update(built.data.subarray(4, -16)).digest();
    expect(Buffer.from(built.data.subarray(-16)).equals(digest)).toBe(true);
    expect(isAggregated(built.data)).toBe(true);
  });

  it('encodes the protobuf fields exactly as the KPL schema numbers them', () => {
    const aggregator = new KplAggregator();
    aggregator.tryAdd({ partitionKey: 'A', data: Uint8Array.of(7) });
    aggregator.tryAdd({ partitionKey: 'B', explicitHashKey: '5', data: Uint8Array.of(8, 9) });

    const protobuf = [...aggregator.build().data.subarray(4, -16)];

    expect(protobuf).toEqual([
      0x0a,
      1,
      0x41, // partition_key_table[0] = "A"
      0x0a,
      1,
      0x42, // partition_key_table[1] = "B"
      0x12,
      1,
      0x35, // explicit_hash_key_table[0] = "5"
      0x1a,
      5,
      0x08,
      0,
      0x1a,
      1,
      7, // records[0] = { partition_key_index: 0, data: [7] }
      0x1a,
      8,
      0x08,
      1,
      0x10,
      0,
      0x1a,
      2,
      8,
      9, // records[1] = { pk 1, ehk 0, data: [8, 9] }
    ]);
  });

  it('stores each partition key once however many records share it', () => {
    const aggregator = new KplAggregator();
    for (let seq = 1; seq <= 100; seq++) {
      aggregator.tryAdd({ partitionKey: 'A-VERY-LONG-PARTITION-KEY', data: bytes(`${seq}`) });
    }

    const data = aggregator.build().data;

    const occurrences = Buffer.from(data).toString('latin1').split('A-VERY-LONG-PARTITION-KEY');
    expect(occurrences).toHaveLength(2);
  });

  it('takes the first user record’s partition key and explicit hash key for the outer record', () => {
    const aggregator = new KplAggregator();
    aggregator.tryAdd({ partitionKey: 'MSFT', explicitHashKey: '42', data: bytes('1') });
    aggregator.tryAdd({ partitionKey: 'AAPL', explicitHashKey: '43', data: bytes('2') });

    const built = aggregator.build();

    expect(built.partitionKey).toBe('MSFT');
    expect(built.explicitHashKey).toBe('42');
  });

  it('leaves the explicit hash key out when the first record has none', () => {
    const aggregator = new KplAggregator();
    aggregator.tryAdd({ partitionKey: 'MSFT', data: bytes('1') });

    expect(aggregator.build()).not.toHaveProperty('explicitHashKey');
  });

  it('keeps sizeBytes equal to the built data length after every add', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            partitionKey: fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
            explicitHashKey: fc.option(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), {
              nil: undefined,
            }),
            data: fc.uint8Array({ maxLength: 300 }),
          }),
          { minLength: 1, maxLength: 60 },
        ),
        (records) => {
          const aggregator = new KplAggregator();
          for (const { partitionKey, explicitHashKey, data } of records) {
            aggregator.tryAdd({ partitionKey, explicitHashKey: explicitHashKey?.toString(), data });
            expect(aggregator.sizeBytes).toBe(aggregator.build().data.length);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('refuses a record that would push the aggregate past maxBytes and stays unchanged', () => {
    const aggregator = new KplAggregator({ maxBytes: 100 });
    const record = { partitionKey: 'AAPL', data: new Uint8Array(30) };
    expect(aggregator.tryAdd(record)).toBe(true);
    expect(aggregator.tryAdd(record)).toBe(true);
    const before = aggregator.build().data;

    expect(aggregator.tryAdd(record)).toBe(false);

    expect(aggregator.count).toBe(2);
    expect(aggregator.build().data).toEqual(before);
    expect(aggregator.sizeBytes).toBeLessThanOrEqual(100);
  });

  it('by default fills up to 1 MiB minus the outer partition key, Kinesis’ record limit', () => {
    const aggregator = new KplAggregator();
    const partitionKey = 'BRK.B';
    const record = { partitionKey, data: new Uint8Array(10_000) };
    while (aggregator.tryAdd(record)) {
      // fill
    }

    const built = aggregator.build();

    expect(built.data.length + partitionKey.length).toBeLessThanOrEqual(KINESIS_MAX_RECORD_BYTES);
    expect(built.data.length + partitionKey.length).toBeGreaterThan(
      KINESIS_MAX_RECORD_BYTES - 10_020,
    );
  });

  it('reports a record too big to ever fit by refusing it on an empty aggregator', () => {
    const aggregator = new KplAggregator();

    expect(
      aggregator.tryAdd({ partitionKey: 'AAPL', data: new Uint8Array(KINESIS_MAX_RECORD_BYTES) }),
    ).toBe(false);
    expect(aggregator.count).toBe(0);
    expect(aggregator.sizeBytes).toBe(0);
  });

  it('starts a fresh aggregate after reset()', () => {
    const aggregator = new KplAggregator();
    aggregator.tryAdd({ partitionKey: 'AAPL', data: bytes('old') });

    aggregator.reset();
    aggregator.tryAdd({ partitionKey: 'TSLA', data: bytes('new') });

    const users = deaggregate(aggregator.build());
    expect(users.map((user) => [user.partitionKey, text(user.data)])).toEqual([['TSLA', 'new']]);
  });

  it('throws typed errors for misuse', () => {
    expect(() => new KplAggregator().build()).toThrow(KplAggregationError);
    expect(() => new KplAggregator().tryAdd({ partitionKey: '', data: bytes('x') })).toThrow(
      KplAggregationError,
    );
    expect(() => new KplAggregator({ maxBytes: 10 })).toThrow(KplAggregationError);
  });
});

describe('deaggregate()', () => {
  it('returns the user records in order with sub-sequence numbers and the outer sequence number', () => {
    const aggregator = new KplAggregator();
    aggregator.tryAdd({ partitionKey: 'AAPL', data: bytes('a1') });
    aggregator.tryAdd({ partitionKey: 'MSFT', explicitHashKey: '7', data: bytes('m1') });
    aggregator.tryAdd({ partitionKey: 'AAPL', data: bytes('a2') });
    const built = aggregator.build();

    const users = deaggregate({ ...built, sequenceNumber: '495' });

    expect(users).toEqual([
      {
        partitionKey: 'AAPL',
        data: bytes('a1'),
        sequenceNumber: '495',
        subSequenceNumber: 0,
        aggregated: true,
      },
      {
        partitionKey: 'MSFT',
        explicitHashKey: '7',
        data: bytes('m1'),
        sequenceNumber: '495',
        subSequenceNumber: 1,
        aggregated: true,
      },
      {
        partitionKey: 'AAPL',
        data: bytes('a2'),
        sequenceNumber: '495',
        subSequenceNumber: 2,
        aggregated: true,
      },
    ]);
  });

  it('passes a plain record through as one record', () => {
    const data = bytes('{"symbol":"AAPL"}');

    const users = deaggregate({
      partitionKey: 'AAPL',
      data,
      sequenceNumber: '1',
      explicitHashKey: '9',
    });

    expect(users).toEqual([
      {
        partitionKey: 'AAPL',
        explicitHashKey: '9',
        data,
        sequenceNumber: '1',
        subSequenceNumber: 0,
        aggregated: false,
      },
    ]);
  });

  it('treats a record with the magic bytes but a wrong MD5 as plain, as the KCL does', () => {
    const aggregator = new KplAggregator();
    aggregator.tryAdd({ partitionKey: 'AAPL', data: bytes('x') });
    const data = aggregator.build().data.slice();
    data[data.length - 1]! ^= 0xff;

    const users = deaggregate({ partitionKey: 'AAPL', data });

    expect(isAggregated(data)).toBe(false);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ aggregated: false, data });
  });

  it('treats a corrupt protobuf behind a valid MD5 as plain', () => {
    const protobuf = Uint8Array.of(0x1a, 3, 0x08, 5, 0x1a); // truncated record, index 5 of none
    const data = kplFrame(protobuf);

    const users = deaggregate({ partitionKey: 'AAPL', data });

    expect(users).toEqual([
      { partitionKey: 'AAPL', data, subSequenceNumber: 0, aggregated: false },
    ]);
  });

  it('treats a record whose partition key index is out of range as plain, keeping its bytes', () => {
    const protobuf = Uint8Array.of(0x0a, 1, 0x41, 0x1a, 5, 0x08, 3, 0x1a, 1, 7);
    const data = kplFrame(protobuf);

    expect(deaggregate({ partitionKey: 'AAPL', data })[0]?.aggregated).toBe(false);
  });

  it('skips fields it does not know, such as tags, as protobuf readers must', () => {
    // records[0] = { pk 0, data [7], tags: [{ key: "k" }] }, then an unknown field 9 (varint).
    const protobuf = Uint8Array.of(
      0x0a,
      1,
      0x41,
      0x1a,
      10,
      0x08,
      0,
      0x1a,
      1,
      7,
      0x22,
      3,
      0x0a,
      1,
      0x6b,
      0x48,
      1,
    );
    const data = kplFrame(protobuf);

    const users = deaggregate({ partitionKey: 'outer', data });

    expect(users).toEqual([
      { partitionKey: 'A', data: Uint8Array.of(7), subSequenceNumber: 0, aggregated: true },
    ]);
  });

  it('never throws on arbitrary bytes, magic prefix or not', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.uint8Array({ maxLength: 200 }), (withMagic, tail) => {
        const data = withMagic ? Uint8Array.from([0xf3, 0x89, 0x9a, 0xc2, ...tail]) : tail;
        const users = deaggregate({ partitionKey: 'k', data });
        expect(users.length).toBeGreaterThanOrEqual(withMagic ? 0 : 1);
      }),
      { numRuns: 500 },
    );
  }, 60_000);

  it('is the inverse of aggregation for arbitrary partition keys, hash keys and data', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            {
              partitionKey: fc.string({ minLength: 1, maxLength: 256, unit: 'binary' }),
              explicitHashKey: fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).map(String),
              data: fc.uint8Array({ maxLength: 512 }),
            },
            { requiredKeys: ['partitionKey', 'data'] },
          ),
          { minLength: 1, maxLength: 50 },
        ),
        fc.string({ minLength: 1, maxLength: 40 }),
        (records, sequenceNumber) => {
          const aggregator = new KplAggregator();
          for (const record of records) expect(aggregator.tryAdd(record)).toBe(true);

          const users = deaggregate({ ...aggregator.build(), sequenceNumber });

          expect(users).toEqual(
            records.map((record, index) => ({
              ...record,
              sequenceNumber,
              subSequenceNumber: index,
              aggregated: true,
            })),
          );
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});
