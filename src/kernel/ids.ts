import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

// uuid draws 16 random bytes through WebCrypto for every ID, which costs more than the rest of an ID.
// Bytes come from a pool filled 4 KiB at a time instead; the millisecond and the monotonic counter are
// kept here, as uuid keeps them (RFC 9562 method 1), so IDs stay strictly increasing within this process.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;
const state = { msecs: -Infinity, seq: 0 };

function randomBytes16(): Buffer {
  if (offset === POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  offset += 16;
  return pool.subarray(offset - 16, offset);
}

/** Time-ordered identifier (UUIDv7): sortable by creation time, safe to expose. */
export function newId(): string {
  const random = randomBytes16();
  const now = Date.now();
  if (now > state.msecs) {
    state.msecs = now;
    state.seq = random.readUInt32BE(6) & 0x7fffffff;
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs += 1;
  }
  return uuidv7({ random, msecs: state.msecs, seq: state.seq });
}
