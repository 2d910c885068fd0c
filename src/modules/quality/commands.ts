import { recordInspection } from './inspections.js';
import { dispositionNcr, raiseNcr } from './ncrs.js';
import { definePlan } from './plans.js';

export const qualityCommands = [definePlan, recordInspection, raiseNcr, dispositionNcr];
