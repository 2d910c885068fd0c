import { v7 as uuidv7 } from 'uuid';

/** Time-ordered identifier (UUIDv7): sortable by creation time, safe to expose. */
export function newId(): string {
  return uuidv7();
}
