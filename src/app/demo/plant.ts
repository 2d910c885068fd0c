/**
 * The demo plant: a bicycle-wheel works with one site and two lines. Billets are extruded into rim profile,
 * rolled and drilled into rims; forgings are turned into hubs; rims, hubs, spokes and nipples are laced
 * into wheels. So a wheel lot traces back three levels: rim, rim profile, aluminium billet.
 */

export const SITE = '/riverside';
export const AREA = `${SITE}/fab`;
export const RIM_LINE = `${AREA}/rim-line`;
export const WHEEL_LINE = `${AREA}/wheel-line`;

type Element = {
  ID: string;
  Description: string;
  EquipmentLevel: string;
  EquipmentClassID?: string;
  EquipmentProperty?: { ID: string; Value: number; UnitOfMeasure: string }[];
  Equipment?: Element[];
};

/**
 * Machines with their ideal cycle time (seconds a part at full rated speed): the `idealCycleSeconds`
 * equipment property that performance, and so OEE, is judged against. The simulated rim line runs at these.
 */
export const demoMachines = {
  'press-1': { description: 'Extrusion press 1', class: 'extrusion-press', idealCycleSeconds: 10 },
  'roller-1': { description: 'Ring roller 1', class: 'ring-roller', idealCycleSeconds: 20 },
  'welder-1': { description: 'Flash butt welder 1', class: 'welder', idealCycleSeconds: 18 },
  'cnc-1': { description: 'CNC drill 1', class: 'cnc-drill', idealCycleSeconds: 25 },
  'lathe-1': { description: 'CNC lathe 1', class: 'cnc-lathe', idealCycleSeconds: 75 },
  'lacer-1': { description: 'Lacing machine 1', class: 'lacing-machine', idealCycleSeconds: 200 },
  'truing-1': { description: 'Truing stand 1', class: 'truing-stand', idealCycleSeconds: 150 },
} as const;
export type DemoMachine = keyof typeof demoMachines;

/** The rim line's machines, in line order: the demo's simulated Sparkplug devices. */
export const RIM_MACHINES: DemoMachine[] = ['press-1', 'roller-1', 'welder-1', 'cnc-1'];

const equipment = (id: DemoMachine): Element => ({
  ID: id,
  Description: demoMachines[id].description,
  EquipmentLevel: 'Equipment',
  EquipmentClassID: demoMachines[id].class,
  EquipmentProperty: [{ ID: 'idealCycleSeconds', Value: demoMachines[id].idealCycleSeconds, UnitOfMeasure: 's' }],
});
const cell = (id: string, description: string, ...children: Element[]): Element => ({
  ID: id,
  Description: description,
  EquipmentLevel: 'WorkCell',
  Equipment: children,
});
const line = (id: string, description: string, ...cells: Element[]): Element => ({
  ID: id,
  Description: description,
  EquipmentLevel: 'ProductionLine',
  Equipment: cells,
});

/** The `plant.import` input (B2MML-style; the enterprise is the root `/`). */
export const demoPlant = {
  Equipment: {
    ID: 'velo-components',
    Description: 'Velo Components Ltd.',
    EquipmentLevel: 'Enterprise',
    Equipment: [
      {
        ID: 'riverside',
        Description: 'Riverside wheel works',
        EquipmentLevel: 'Site',
        Equipment: [
          {
            ID: 'fab',
            Description: 'Fabrication and assembly',
            EquipmentLevel: 'Area',
            Equipment: [
              line(
                'rim-line',
                'Rim line',
                cell('extrude', 'Extrusion', equipment('press-1')),
                cell('roll-weld', 'Rolling and welding', equipment('roller-1'), equipment('welder-1')),
                cell('drill', 'Spoke-hole drilling', equipment('cnc-1')),
              ),
              line(
                'wheel-line',
                'Wheel assembly line',
                cell('hub-machining', 'Hub machining', equipment('lathe-1')),
                cell('lacing', 'Lacing', equipment('lacer-1')),
                cell('truing', 'Truing and tensioning', equipment('truing-1')),
              ),
              { ID: 'stores', Description: 'Goods-in stores', EquipmentLevel: 'StorageZone' },
            ],
          },
        ],
      },
    ],
  },
};

type Kind = 'raw' | 'intermediate' | 'finished';
export const demoMaterials: { code: string; name: string; kind: Kind; unit: string }[] = [
  { code: 'ALU-6061', name: 'Aluminium 6061 billet', kind: 'raw', unit: 'kg' },
  { code: 'HUB-FORGING', name: 'Hub forging, 6061-T6', kind: 'raw', unit: 'pcs' },
  { code: 'SPOKE-2MM', name: 'Stainless spoke 2.0 mm', kind: 'raw', unit: 'pcs' },
  { code: 'NIPPLE-BR', name: 'Brass spoke nipple', kind: 'raw', unit: 'pcs' },
  { code: 'RIM-PROFILE', name: 'Extruded rim profile', kind: 'intermediate', unit: 'm' },
  { code: 'RIM-700C', name: 'Rim 700C, 32 holes', kind: 'intermediate', unit: 'pcs' },
  { code: 'HUB-32H', name: 'Machined hub, 32 holes', kind: 'intermediate', unit: 'pcs' },
  { code: 'WHEEL-700C', name: 'Wheel 700C, laced and trued', kind: 'finished', unit: 'pcs' },
];

const op = (sequence: number, name: string, workCell: string, standard: number, ideal: number) => ({
  sequence,
  name,
  workCell,
  standardCycleSeconds: standard,
  idealCycleSeconds: ideal,
});

/** Product definitions (`production.definition.draft`), each released as version 1. */
export const demoDefinitions = [
  {
    product: 'RIM-PROFILE',
    bom: [{ material: 'ALU-6061', quantity: 0.45, unit: 'kg' }],
    routing: [op(10, 'Extrude', `${RIM_LINE}/extrude`, 12, 10)],
  },
  {
    product: 'RIM-700C',
    bom: [{ material: 'RIM-PROFILE', quantity: 2.2, unit: 'm' }],
    routing: [
      op(10, 'Roll and weld', `${RIM_LINE}/roll-weld`, 45, 38),
      op(20, 'Drill spoke holes', `${RIM_LINE}/drill`, 30, 25),
    ],
  },
  {
    product: 'HUB-32H',
    bom: [{ material: 'HUB-FORGING', quantity: 1, unit: 'pcs' }],
    routing: [op(10, 'Turn and drill', `${WHEEL_LINE}/hub-machining`, 90, 75)],
  },
  {
    product: 'WHEEL-700C',
    bom: [
      { material: 'RIM-700C', quantity: 1, unit: 'pcs' },
      { material: 'HUB-32H', quantity: 1, unit: 'pcs' },
      { material: 'SPOKE-2MM', quantity: 32, unit: 'pcs' },
      { material: 'NIPPLE-BR', quantity: 32, unit: 'pcs' },
    ],
    routing: [
      op(10, 'Lace', `${WHEEL_LINE}/lacing`, 240, 200),
      op(20, 'True and tension', `${WHEEL_LINE}/truing`, 180, 150),
    ],
  },
];

/** Counts for the summary line. */
export function plantCounts() {
  const all: Element[] = [];
  const walk = (e: Element) => (all.push(e), e.Equipment?.forEach(walk));
  walk(demoPlant.Equipment);
  const count = (level: string) => all.filter((e) => e.EquipmentLevel === level).length;
  return {
    sites: count('Site'),
    lines: count('ProductionLine'),
    workCells: count('WorkCell'),
    equipment: count('Equipment'),
  };
}
