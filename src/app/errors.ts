import { AppError } from '../kernel/errors.js';

export class NotInitializedError extends AppError {
  constructor(dataDir: string) {
    super('not_initialized', 503, `The data directory ${dataDir} is not initialised; run "bastion init" first.`);
  }
}
