import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useSyncExternalStore } from 'react';
import { sendAction, type OperatorAction } from './actions';

/**
 * The operator's outbox: every action is written here first (with the Idempotency-Key made when it was taken),
 * then sent in order. A lost network leaves it here, across a reload, until it can be sent with the same key;
 * a refusal stays visible with the server's reason instead of being retried forever. Only the action and who
 * took it are stored: nothing secret (the session is an HttpOnly cookie).
 */
export interface OutboxEntry {
  key: string;
  /** Who took the action: it is sent only in that person's session (the key is theirs, and so is the act). */
  user: string;
  label: string;
  action: OperatorAction;
  createdAt: string;
  status: 'pending' | 'refused';
  reason?: string;
  lastError?: string;
}

const STORAGE_KEY = 'bastion.operator.outbox.v1';
const RETRY_MS = 3_000;
const listeners = new Set<() => void>();
let cache: OutboxEntry[] | undefined;

function read(): OutboxEntry[] {
  if (cache !== undefined) return cache;
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]');
    cache = Array.isArray(parsed) ? (parsed as OutboxEntry[]) : [];
  } catch {
    cache = [];
  }
  return cache;
}

function write(entries: OutboxEntry[]): void {
  cache = entries;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(entries));
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const other = (event: StorageEvent) => {
    if (event.key !== STORAGE_KEY) return;
    cache = undefined;
    listener();
  };
  window.addEventListener('storage', other);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', other);
  };
}

const update = (key: string, change: (entry: OutboxEntry) => OutboxEntry | undefined) =>
  write(read().flatMap((e) => (e.key === key ? (change(e) ?? []) : [e])));

export function dismiss(key: string): void {
  update(key, () => undefined);
}

let flushing: Promise<boolean> | undefined;

/** Sends the person's pending actions oldest first; stops at the first one the network did not carry. */
async function flushOnce(user: string): Promise<boolean> {
  let sentAny = false;
  const tried = new Set<string>();
  // Read again each round: an action taken while the previous one was on its way joins the same run.
  for (;;) {
    const entry = read().find((e) => e.user === user && e.status === 'pending' && !tried.has(e.key));
    if (entry === undefined || !navigator.onLine) break;
    tried.add(entry.key);
    let outcome;
    try {
      outcome = await sendAction(entry.action, entry.key);
    } catch {
      update(entry.key, (e) => ({ ...e, lastError: 'Bastion could not be reached; it will be sent again.' }));
      break;
    }
    if (outcome.sent) {
      update(entry.key, () => undefined);
      sentAny = true;
    } else if (outcome.status === 401 || outcome.status === 408 || outcome.status === 429 || outcome.status >= 500) {
      // Not a refusal of the action: the session ended or the server is busy; it stays queued.
      update(entry.key, (e) => ({ ...e, lastError: outcome.reason }));
      break;
    } else {
      update(entry.key, (e) => ({ ...e, status: 'refused', reason: outcome.reason }));
      sentAny = true;
    }
  }
  return sentAny;
}

export function flush(user: string): Promise<boolean> {
  flushing ??= flushOnce(user).finally(() => {
    flushing = undefined;
  });
  return flushing;
}

const kicks = new Set<() => void>();

/** Keeps the action (and its key, made now) and tries to send it at once. */
export function enqueue(user: string, label: string, action: OperatorAction): void {
  const entry: OutboxEntry = {
    key: crypto.randomUUID(),
    user,
    label,
    action,
    createdAt: new Date().toISOString(),
    status: 'pending',
  };
  write([...read(), entry]);
  for (const kick of kicks) kick();
}

export function useOutboxEntries(): OutboxEntry[] {
  return useSyncExternalStore(subscribe, read);
}

/**
 * Runs the outbox for the signed-in person: sends at once, again when the network comes back (the online
 * event) and on a timer while anything waits; what the server accepted refreshes the screens.
 */
export function useOutbox(user: string): OutboxEntry[] {
  const entries = useOutboxEntries();
  const client = useQueryClient();
  const waiting = entries.some((e) => e.user === user && e.status === 'pending');
  useEffect(() => {
    const go = () => {
      void flush(user).then((changed) => {
        if (changed) void client.invalidateQueries({ queryKey: ['operator'] });
      });
    };
    kicks.add(go);
    window.addEventListener('online', go);
    const timer = waiting ? window.setInterval(go, RETRY_MS) : undefined;
    if (waiting) go();
    return () => {
      kicks.delete(go);
      window.removeEventListener('online', go);
      if (timer !== undefined) window.clearInterval(timer);
    };
  }, [user, waiting, client]);
  return entries;
}
