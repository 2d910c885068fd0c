import { Type, type Static } from '@sinclair/typebox';

/** Days a row of the category is kept, or null: kept for ever (never disposed of). */
const days = (fallback: number | null, what: string) =>
  Type.Union([Type.Integer({ minimum: 1, maximum: 36_500 }), Type.Null()], {
    default: fallback,
    description: `an integer from 1 to 36500 (days), or null to keep for ever: ${what}`,
  });

/**
 * Retention by category (docs/OPERATIONS.md, "Retention and disposal"). The catalogue names, per table, the rule
 * that disposes of its rows; an unknown rule name here is refused like any unknown key. Batch records are kept
 * for ever by default: 21 CFR Part 11 and EU GMP Annex 11 tie their retention to the product's life.
 */
export const privacyConfig = Type.Object(
  {
    retention: Type.Object(
      {
        telemetry: days(730, 'ingested values and OPC UA samples'),
        sessions: days(90, 'ended or expired sessions'),
        'security-events': days(365, 'ingest security events'),
        'former-staff': days(183, 'personal data of a disabled account, counted from when it was disabled'),
        'batch-records': days(null, 'batch records (regulation decides; null keeps them)'),
      },
      { additionalProperties: false, default: {} },
    ),
    disposeEveryHours: Type.Integer({
      minimum: 0,
      maximum: 24 * 30,
      default: 24,
      description: 'an integer from 0 to 720 (hours between scheduled disposal passes in serve; 0: never scheduled)',
    }),
  },
  { additionalProperties: false, default: {} },
);

export type PrivacyConfig = Static<typeof privacyConfig>;
export type RetentionRule = keyof PrivacyConfig['retention'];
