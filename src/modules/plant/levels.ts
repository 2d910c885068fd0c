/**
 * ISA-95 / IEC 62264-1 equipment hierarchy levels, and which level may sit under which. A line, a process
 * cell and a storage zone are the three kinds of area child; work cells and units sit under them; equipment
 * under any of those.
 */
export const LEVELS = [
  'enterprise',
  'site',
  'area',
  'line',
  'process-cell',
  'storage-zone',
  'work-cell',
  'unit',
  'equipment',
] as const;
export type Level = (typeof LEVELS)[number];

const parents: Record<Level, Level[]> = {
  enterprise: [],
  site: ['enterprise'],
  area: ['site'],
  line: ['area'],
  'process-cell': ['area'],
  'storage-zone': ['area'],
  'work-cell': ['line'],
  unit: ['process-cell'],
  equipment: ['line', 'process-cell', 'work-cell', 'unit', 'storage-zone', 'equipment'],
};

export function mayContain(parent: Level, child: Level): boolean {
  return parents[child].includes(parent);
}

export function allowedParents(child: Level): Level[] {
  return parents[child];
}

/** A level with its indefinite article, for messages: "an area", "a line". */
export function withArticle(level: string): string {
  return `${/^[aeiou]/.test(level) ? 'an' : 'a'} ${level}`;
}
