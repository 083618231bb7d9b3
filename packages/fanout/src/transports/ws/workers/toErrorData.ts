import type { ErrorData } from './messages.js';

/**
 * Any thrown value as data a worker can send its primary: name, message, `code` when it has a
 * string one, and its own enumerable fields that are plain values. Internal.
 */
export function toErrorData(error: unknown): ErrorData {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const details: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'code' || key === 'name' || key === 'message') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      details[key] = value;
    }
  }
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    details,
  };
}
