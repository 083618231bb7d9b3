import { createHash } from 'node:crypto';

/**
 * The four bytes every KPL aggregated record starts with (KPL aggregation format 0.9.0).
 * @internal
 */
export const KPL_MAGIC: Uint8Array = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);

/** Bytes of the MD5 trailer after the protobuf message. @internal */
export const KPL_DIGEST_BYTES = 16;

/** Magic plus MD5 trailer: what an aggregated record adds to its protobuf message. @internal */
export const KPL_OVERHEAD_BYTES = KPL_MAGIC.length + KPL_DIGEST_BYTES;

/** MD5 of `bytes`, the KPL trailer. @internal */
export function md5(bytes: Uint8Array): Buffer {
  return createHash('md5').update(bytes).digest();
}

/** Whether `data` starts with {@link KPL_MAGIC}. @internal */
export function hasKplMagic(data: Uint8Array): boolean {
  return (
    data.length >= KPL_MAGIC.length &&
    data[0] === KPL_MAGIC[0] &&
    data[1] === KPL_MAGIC[1] &&
    data[2] === KPL_MAGIC[2] &&
    data[3] === KPL_MAGIC[3]
  );
}
