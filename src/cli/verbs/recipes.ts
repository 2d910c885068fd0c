import type { Command } from 'commander';
import { CLI_ORIGIN, CONSOLE_ACTOR } from '../../kernel/actors.js';
import { diffVersions, listRecipes, maskedVersion, verifySeals } from '../../modules/recipes/index.js';
import { RecipeSealer } from '../../modules/recipes/index.js';
import type { VerbContext } from '../context.js';
import { CliError, ExitCode } from '../io.js';
import { withBastion, withStorage } from '../open.js';
import { table } from './users.js';
import type { Bastion } from '../../app/bastion.js';

/** Versions are read from the instance's database through its cipher (their content is sealed at rest). */
const sourceOf = (bastion: Bastion) => ({ db: bastion.context.db, cipher: bastion.context.cipher });

const value = (v: number | null) => (v === null ? '•••' : String(v));
const whole = (text: string, name: string) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a version number`, ExitCode.usage);
  return n;
};

async function listVerb(ctx: VerbContext, options: { json?: boolean }) {
  await ctx.authorize('recipes.read');
  const recipes = await withStorage(ctx, (storage) => listRecipes(storage.db));
  if (options.json) return ctx.print(JSON.stringify(recipes, null, 2));
  const rows = recipes.map((r) => [
    r.code,
    r.name,
    r.product,
    String(r.effectiveVersion ?? '-'),
    String(r.latestVersion),
  ]);
  for (const line of table(['RECIPE', 'NAME', 'PRODUCT', 'EFFECTIVE', 'LATEST'], rows)) ctx.print(line);
}

/** Masked unless --full, which runs the audited read: the console's reads of secrets are recorded too. */
async function showVerb(ctx: VerbContext, code: string, options: { version?: string; full?: boolean; json?: boolean }) {
  await ctx.authorize('recipes.read');
  const latest = async () => (await withStorage(ctx, (s) => listRecipes(s.db))).find((r) => r.code === code);
  const version =
    options.version !== undefined && options.version !== ''
      ? whole(options.version, '--version')
      : ((await latest())?.latestVersion ?? 1);
  const shown = options.full
    ? await withBastion(ctx, 'recipes.read-secret', (bastion) =>
        bastion.pipeline.execute<{
          parameters: {
            name: string;
            unit: string;
            setPoint: number | null;
            low: number | null;
            high: number | null;
            critical: boolean;
          }[];
        }>('recipes.version.read', { recipe: code, version }, CONSOLE_ACTOR, CLI_ORIGIN),
      )
    : await withBastion(ctx, 'recipes.read', (b) => maskedVersion(sourceOf(b), code, version));
  if (options.json) return ctx.print(JSON.stringify(shown, null, 2));
  const rows = shown.parameters.map((p) => [
    p.name,
    p.unit,
    value(p.setPoint),
    `${value(p.low)} … ${value(p.high)}`,
    p.critical ? 'critical' : '',
  ]);
  ctx.print(`${code} version ${version}`);
  for (const line of table(['PARAMETER', 'UNIT', 'SET POINT', 'VALIDATED RANGE', ''], rows)) ctx.print(line);
}

async function diffVerb(ctx: VerbContext, code: string, from: string, to: string) {
  await ctx.authorize('recipes.read');
  const diff = await withBastion(ctx, 'recipes.read', (b) =>
    diffVersions(sourceOf(b), code, whole(from, 'FROM'), whole(to, 'TO'), false),
  );
  const rows = diff.parameters.map((p) => [p.name, p.change]);
  for (const line of table(['PARAMETER', `${from} → ${to}`], rows)) ctx.print(line);
  ctx.print(diff.stepsChanged ? 'Procedure steps changed.' : 'Procedure steps unchanged.');
}

/** Exit 1 when any sealed version no longer matches its seal. */
async function verifyVerb(ctx: VerbContext, options: { json?: boolean }) {
  await ctx.authorize('recipes.read');
  const results = await withBastion(ctx, 'recipes.read', (b) =>
    verifySeals(sourceOf(b), new RecipeSealer(ctx.config.dataDir)),
  );
  if (options.json) ctx.print(JSON.stringify(results, null, 2));
  else
    for (const r of results)
      ctx.print(`${r.intact ? 'ok     ' : 'BROKEN '} ${r.recipe} version ${r.version} (${r.state})`);
  const broken = results.filter((r) => !r.intact);
  if (broken.length > 0)
    throw new CliError(`${broken.length} recipe version(s) no longer match their seal`, ExitCode.failure);
  if (!options.json) ctx.print(`${results.length} sealed version(s), all intact.`);
}

/** `bastion recipes list|show|diff|verify`. */
export function addRecipeVerbs(program: Command, context: () => VerbContext): Command {
  const recipes = program.command('recipes').description('Master recipes: list, show (masked), diff, verify seals');
  recipes
    .command('list')
    .description('Every recipe with its effective and latest version')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => listVerb(context(), options));
  recipes
    .command('show')
    .description('A version of a recipe; values masked unless --full (audited, needs recipes.read-secret)')
    .argument('<RECIPE>', 'recipe code')
    .option('--version <n>', 'version (default: the latest)')
    .option('--full', 'show the values (an audited read)')
    .option('--json', 'print JSON')
    .action((code: string, options: { version?: string; full?: boolean; json?: boolean }) =>
      showVerb(context(), code, options),
    );
  recipes
    .command('diff')
    .description('Which parameters changed between two versions')
    .argument('<RECIPE>', 'recipe code')
    .argument('<FROM>', 'older version')
    .argument('<TO>', 'newer version')
    .action((code: string, from: string, to: string) => diffVerb(context(), code, from, to));
  recipes
    .command('verify')
    .description("Check every sealed version's stored content against its seal (exit 1 if any is broken)")
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => verifyVerb(context(), options));
  return recipes;
}
