import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createReadStream } from 'node:fs';
import { LocalFile, type PutBody } from './destination.js';

/** A body as handed to a client library, and the number of bytes that went through it once it is consumed. */
export interface CountedBody {
  stream: Buffer | Readable;
  size(): number;
}

export function countBytes(given: PutBody): CountedBody {
  const body = given instanceof LocalFile ? createReadStream(given.path) : given;
  if (Buffer.isBuffer(body)) return { stream: body, size: () => body.length };
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(null, chunk);
    },
  });
  // A source that fails midway destroys the counter with that error, which fails the upload reading it.
  pipeline(body, counter).catch(() => undefined);
  return { stream: counter, size: () => size };
}
