/**
 * Whether a process with `pid` still exists (signal 0 checks without sending anything).
 *
 * @param pid - The process id.
 * @returns `true` while the process exists.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
