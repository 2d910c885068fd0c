import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type ReactNode } from 'react';
import { api, unwrap } from '../../api/client';
import { can, useSignedIn } from '../../session/me';
import { ErrorNote, Loading, Notice, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import { Table } from '../../ui/table';
import { ApproveDialog, approvedText } from './ApproveDialog';
import { recipesKey, type RecipeItem, type VersionSummary } from './model';
import { Signatures } from './values';
import '../../styles/recipes.css';

interface Waiting {
  recipe: RecipeItem;
  version: VersionSummary;
}

/** Every version in review, across recipes (the list is short: what waits for a signature today). */
async function inReview(): Promise<Waiting[]> {
  const recipes: RecipeItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET('/api/recipes', {
        params: { query: { state: 'in-review', limit: 500, ...(cursor !== undefined ? { cursor } : {}) } },
      }),
    );
    recipes.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  const versions = await Promise.all(
    recipes.map(async (recipe) => {
      const page = await unwrap(
        api.GET('/api/recipes/{code}/versions', {
          params: { path: { code: recipe.code }, query: { state: 'in-review', limit: 500 } },
        }),
      );
      return page.items.map((version) => ({ recipe, version }));
    }),
  );
  return versions.flat();
}

/** Versions under review: those I may sign (not my own, not signed by me yet), and those waiting for others. */
export function ApprovalQueue() {
  const me = useSignedIn();
  const [done, setDone] = useState<string | null>(null);
  const queue = useQuery({ queryKey: [...recipesKey, 'approval-queue'], queryFn: inReview });
  const mayApprove = can(me, 'recipes.approve');
  const rows = queue.data ?? [];
  const whyNot = (w: Waiting) =>
    w.version.author === me.username
      ? 'You authored it: another person must approve it.'
      : w.version.approvals.some((a) => a.signer === me.username)
        ? 'You have signed it; it needs another approver.'
        : null;
  const mine = rows.filter((w) => whyNot(w) === null);
  const others = rows.filter((w) => whyNot(w) !== null);
  const columns = (action: (w: Waiting) => ReactNode) => [
    {
      header: 'Recipe',
      cell: (w: Waiting) => (
        <Link
          to="/recipes/$code"
          params={{ code: w.recipe.code }}
          search={{
            version: w.version.version,
            to: w.version.version,
            from: w.recipe.effectiveVersion ?? Math.max(1, w.version.version - 1),
          }}
        >
          {w.recipe.code} v{w.version.version}
        </Link>
      ),
    },
    { header: 'Name', cell: (w: Waiting) => w.recipe.name },
    { header: 'Reason for the change', cell: (w: Waiting) => w.version.reason },
    { header: 'Authored by', cell: (w: Waiting) => w.version.author },
    { header: 'Submitted', cell: (w: Waiting) => <When at={w.version.createdAt} /> },
    {
      header: 'Signatures',
      cell: (w: Waiting) => (
        <>
          {w.version.approvals.length} of {w.version.approvalsRequired ?? 1} given
          {w.version.approvals.length > 0 && <Signatures v={w.version} />}
        </>
      ),
    },
    { header: 'Action', cell: action },
  ];
  return (
    <Screen
      title="Recipe approvals"
      intro="Versions waiting for review. Approving is an electronic signature with your password; nobody approves their own change."
      actions={
        <Link to="/recipes" className="button button-secondary">
          All recipes
        </Link>
      }
    >
      {!mayApprove && (
        <Notice>Approving recipe versions needs the recipes.approve permission; you can only look.</Notice>
      )}
      {done !== null && <Notice>{done}</Notice>}
      {queue.isPending && <Loading what="versions in review" />}
      <ErrorNote error={queue.error} />
      {queue.isSuccess && (
        <>
          <Panel title="Waiting for your signature">
            <Table<Waiting>
              caption="Versions you may approve"
              rows={mayApprove ? mine : []}
              rowKey={(w) => `${w.recipe.code}-${w.version.version}`}
              columns={columns((w) => (
                <ApproveDialog
                  recipe={w.recipe.code}
                  version={w.version.version}
                  onApproved={(a) => setDone(approvedText(a))}
                />
              ))}
              empty={{
                title: 'Nothing waits for your signature',
                hint: 'When a process engineer submits a version for review, it appears here.',
              }}
            />
          </Panel>
          <Panel title="Waiting for someone else">
            <Table<Waiting>
              caption="Versions in review you cannot approve"
              rows={mayApprove ? others : rows}
              rowKey={(w) => `${w.recipe.code}-${w.version.version}`}
              columns={columns((w) => whyNot(w) ?? 'Needs the recipes.approve permission.')}
              empty={{ title: 'None', hint: 'Every version in review is yours to approve, or none is in review.' }}
            />
          </Panel>
        </>
      )}
    </Screen>
  );
}
