import { demoDefinitions, RIM_LINE, WHEEL_LINE } from './plant.js';

/** Supplier lots received at goods-in. */
export const demoReceipts = [
  {
    number: 'L-ALU-0001',
    material: 'ALU-6061',
    quantity: 1000,
    supplier: 'Nordic Aluminium AS',
    supplierLot: 'NA-58812',
  },
  {
    number: 'L-ALU-0002',
    material: 'ALU-6061',
    quantity: 800,
    supplier: 'Nordic Aluminium AS',
    supplierLot: 'NA-58907',
  },
  { number: 'L-HUB-0001', material: 'HUB-FORGING', quantity: 400, supplier: 'Forgeworks GmbH', supplierLot: 'FW-2231' },
  { number: 'L-SPK-0001', material: 'SPOKE-2MM', quantity: 10_000, supplier: 'Spokesmith NV', supplierLot: 'SS-77-14' },
  { number: 'L-NIP-0001', material: 'NIPPLE-BR', quantity: 10_000, supplier: 'Brassline Ltd', supplierLot: 'BL-0912' },
];

export type OrderState = 'created' | 'released' | 'dispatched' | 'running' | 'completed' | 'closed';
export const ORDER_STATES: OrderState[] = ['created', 'released', 'dispatched', 'running', 'completed', 'closed'];

export interface DemoOrder {
  number: string;
  product: string;
  quantity: number;
  line: string;
  state: OrderState;
  /** Good and scrap reported on every operation run (a running order reports `good` on its last started one). */
  good?: number;
  scrap?: number;
  /** Operations completed before the last started one (running orders only). */
  completedOperations?: number;
  /** The lot produced when the order completes, and the lots it consumed. */
  output?: { lot: string; quantity: number; inputs: { lot: string; quantity: number }[] };
}

export const scrapReasons: Record<string, string> = {
  'RIM-PROFILE': 'die streaks',
  'RIM-700C': 'weld porosity',
  'HUB-32H': 'chatter marks',
  'WHEEL-700C': 'spoke tension out of range',
};

export const demoOrders: DemoOrder[] = [
  {
    number: 'WO-1001',
    product: 'RIM-PROFILE',
    quantity: 1200,
    line: RIM_LINE,
    state: 'closed',
    good: 1184,
    scrap: 16,
    output: { lot: 'RP-1001-01', quantity: 1184, inputs: [{ lot: 'L-ALU-0001', quantity: 540 }] },
  },
  {
    number: 'WO-1002',
    product: 'RIM-700C',
    quantity: 200,
    line: RIM_LINE,
    state: 'closed',
    good: 196,
    scrap: 4,
    output: { lot: 'R-1002-01', quantity: 196, inputs: [{ lot: 'RP-1001-01', quantity: 440 }] },
  },
  {
    number: 'WO-1003',
    product: 'RIM-700C',
    quantity: 150,
    line: RIM_LINE,
    state: 'completed',
    good: 147,
    scrap: 3,
    output: { lot: 'R-1003-01', quantity: 147, inputs: [{ lot: 'RP-1001-01', quantity: 330 }] },
  },
  {
    number: 'WO-1004',
    product: 'RIM-700C',
    quantity: 150,
    line: RIM_LINE,
    state: 'running',
    good: 60,
    scrap: 2,
    completedOperations: 1,
  },
  { number: 'WO-1005', product: 'RIM-PROFILE', quantity: 800, line: RIM_LINE, state: 'released' },
  {
    number: 'WO-2001',
    product: 'HUB-32H',
    quantity: 200,
    line: WHEEL_LINE,
    state: 'closed',
    good: 198,
    scrap: 2,
    output: { lot: 'H-2001-01', quantity: 198, inputs: [{ lot: 'L-HUB-0001', quantity: 200 }] },
  },
  {
    number: 'WO-2002',
    product: 'WHEEL-700C',
    quantity: 120,
    line: WHEEL_LINE,
    state: 'closed',
    good: 118,
    scrap: 2,
    output: {
      lot: 'W-2002-01',
      quantity: 118,
      inputs: [
        { lot: 'R-1002-01', quantity: 120 },
        { lot: 'H-2001-01', quantity: 120 },
        { lot: 'L-SPK-0001', quantity: 3840 },
        { lot: 'L-NIP-0001', quantity: 3840 },
      ],
    },
  },
  {
    number: 'WO-2003',
    product: 'WHEEL-700C',
    quantity: 60,
    line: WHEEL_LINE,
    state: 'running',
    good: 25,
    scrap: 0,
    completedOperations: 0,
  },
  { number: 'WO-2004', product: 'WHEEL-700C', quantity: 70, line: WHEEL_LINE, state: 'dispatched' },
  { number: 'WO-2005', product: 'HUB-32H', quantity: 150, line: WHEEL_LINE, state: 'created' },
];

/** The routing's operation sequence numbers of a product. */
export function sequencesOf(product: string): number[] {
  const definition = demoDefinitions.find((d) => d.product === product);
  if (!definition) throw new Error(`the demo has no definition of ${product}`);
  return definition.routing.map((op) => op.sequence);
}

/** How many orders the demo leaves in each state. */
export function ordersPerState(): Record<OrderState, number> {
  const counts = Object.fromEntries(ORDER_STATES.map((s) => [s, 0])) as Record<OrderState, number>;
  for (const order of demoOrders) counts[order.state]++;
  return counts;
}
