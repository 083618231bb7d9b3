import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The text of a recorded API answer under tests/fixtures. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)), 'utf8');
}
