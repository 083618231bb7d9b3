import type { DynamoAttributeValue } from './eventTypes.js';

/**
 * Turns a DynamoDB JSON image (`{ price: { N: '189.42' } }`) into a plain object. A minimal
 * stand-in for `@aws-sdk/util-dynamodb`'s `unmarshall`, enough for stream images: numbers
 * become JS numbers, binary becomes `Uint8Array`, sets become arrays.
 *
 * @throws Error on an attribute value of no known type.
 * @internal
 */
export function unmarshallImage(
  image: Record<string, DynamoAttributeValue>,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(image)) result[name] = unmarshallValue(value);
  return result;
}

function unmarshallValue(value: DynamoAttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return new Uint8Array(Buffer.from(value.B, 'base64'));
  if (value.M !== undefined) return unmarshallImage(value.M);
  if (value.L !== undefined) return value.L.map(unmarshallValue);
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map((b) => new Uint8Array(Buffer.from(b, 'base64')));
  throw new Error(`unknown DynamoDB attribute value ${JSON.stringify(value)}`);
}
