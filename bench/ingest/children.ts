import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeExtension } from '../support/compiled.js';

const here = dirname(fileURLToPath(import.meta.url));

/** A forked bench helper (publisher.ts or subscriber.ts) spoken to over IPC, typed both ways. */
export class Child<To extends { type: string }, From extends { type: string }> {
  private readonly process: ChildProcess;
  private readonly waiters: { type: string; resolve: (m: From) => void; reject: (e: Error) => void }[] = [];

  constructor(file: 'publisher.ts' | 'subscriber.ts') {
    // The child runs the same kind of code as this process: compiled JavaScript as `npm run bench` runs it, or
    // TypeScript under tsx (whose loader comes with the same execArgv).
    const code = join(here, file.replace(/\.ts$/, codeExtension));
    this.process = fork(code, [], { execArgv: process.execArgv, stdio: 'inherit' });
    this.process.on('message', (message: From) => this.dispatch(message));
    this.process.on('exit', (code) => {
      for (const w of this.waiters.splice(0)) w.reject(new Error(`${file} exited with code ${code}`));
    });
  }

  send(message: To): void {
    this.process.send(message);
  }

  /** The next message of that type (an `error` message from the child rejects instead). */
  next<T extends From['type']>(type: T, timeoutMs = 300_000): Promise<Extract<From, { type: T }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} from the child in ${timeoutMs} ms`)), timeoutMs);
      const done =
        <V>(settle: (v: V) => void) =>
        (v: V) => (clearTimeout(timer), settle(v));
      this.waiters.push({ type, resolve: done(resolve as (m: From) => void), reject: done(reject) });
    });
  }

  /** Asks the child to close its connections and waits for it to exit. */
  async close(message: To): Promise<void> {
    if (this.process.exitCode !== null || !this.process.connected) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.send(message);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (this.process.exitCode === null) this.process.kill();
  }

  private dispatch(message: From): void {
    if (message.type === 'error') {
      for (const w of this.waiters.splice(0)) w.reject(new Error(String((message as { message?: string }).message)));
      return;
    }
    const at = this.waiters.findIndex((w) => w.type === message.type);
    if (at >= 0) this.waiters.splice(at, 1)[0]!.resolve(message);
  }
}
