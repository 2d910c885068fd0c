import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

export const recipePermissions: PermissionDefinition[] = [
  {
    name: 'recipes.read',
    description: 'List recipes and their versions; parameter values are masked without recipes.read-secret.',
    roles: ['operator', 'supervisor', 'process-engineer', 'quality', 'maintenance', 'auditor'],
    console: true,
  },
  {
    name: 'recipes.read-secret',
    description: 'Read full parameter values of recipes (trade secrets); every such read is audited.',
    roles: ['process-engineer', 'quality'],
    console: true,
  },
  { name: 'recipes.author', description: 'Create recipes and draft and submit versions.', roles: ['process-engineer'] },
  {
    name: 'recipes.approve',
    description: 'Approve a submitted version with an electronic signature (never one’s own).',
    roles: ['process-engineer', 'quality'],
  },
  {
    name: 'recipes.release',
    description: 'Make an approved version effective, or retire one.',
    roles: ['process-engineer'],
  },
  {
    name: 'recipes.issue',
    description: 'Issue the effective version to a work order as its control recipe.',
    roles: ['supervisor', 'process-engineer'],
  },
  {
    name: 'recipes.batch-record',
    description:
      'Generate the sealed electronic batch record of a finished work order (exporting it needs recipes.read-secret).',
    roles: ['quality', 'supervisor', 'process-engineer', 'auditor'],
  },
];
