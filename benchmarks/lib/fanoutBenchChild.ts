import { type ChildProcess, fork } from 'node:child_process';

/** Starts a TypeScript child process with an IPC channel, resolving workspace packages to their sources. */
export function startChild(
  file: string,
  args: string[],
  env: Record<string, string> = {},
): ChildProcess {
  return fork(file, args, {
    execArgv: ['--import', 'tsx', '--conditions=source'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
}

/** The next IPC message of `type` from `child`; rejects after `timeoutMs` or if the child exits. */
export function nextMessage<T extends { type: string }>(
  child: ChildProcess,
  type: T['type'],
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${type}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: T) => {
      if (message?.type === type) finish(undefined, message);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`child exited (${code}) before "${type}"`));
    const finish = (error?: Error, message?: T) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message!);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends `command` and waits for the reply of `type`. */
export function request<T extends { type: string }>(
  child: ChildProcess,
  command: object,
  type: T['type'],
  timeoutMs = 30_000,
): Promise<T> {
  const reply = nextMessage<T>(child, type, timeoutMs);
  child.send(command);
  return reply;
}

/** Stops a child: asks it to, then kills it if it is still running after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    child.send({ cmd: 'stop' });
  } catch {
    // Already disconnected.
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
