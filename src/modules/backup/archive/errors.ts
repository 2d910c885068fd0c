/** Why a backup cannot be trusted or used; the message is safe to show (no key, no path outside the backup). */
export type BackupProblemKind =
  'signature' | 'manifest' | 'missing-manifest' | 'missing-part' | 'size' | 'digest' | 'plain-digest' | 'decrypt';

export interface BackupProblem {
  part?: string;
  kind: BackupProblemKind;
  message: string;
}

export class BackupInvalidError extends Error {
  constructor(
    readonly problem: BackupProblemKind,
    message: string,
    readonly part?: string,
  ) {
    super(message);
    this.name = 'BackupInvalidError';
  }

  toProblem(): BackupProblem {
    return { ...(this.part !== undefined ? { part: this.part } : {}), kind: this.problem, message: this.message };
  }
}

/** A restore that would overwrite something, or touch a data directory in use: nothing was changed. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}
