import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, ProblemError, run } from '../../api/client';
import type { paths } from '../../api/schema';
import { Button, ErrorNote, Field } from '../../ui/controls';
import { Select } from '../../ui/select';
import { outcomeOf, PLANT_KEY, type Outcome, type PlantNode } from './shared';

type Level = paths['/api/plant/nodes']['post']['requestBody']['content']['application/json']['level'];
type ImportBody = paths['/api/plant/import']['post']['requestBody']['content']['application/json'];

const LEVELS: Level[] = [
  'enterprise',
  'site',
  'area',
  'line',
  'process-cell',
  'storage-zone',
  'work-cell',
  'unit',
  'equipment',
];

/** The level a child usually has (ISA-95 order); the person may choose another. */
function childLevel(parent: PlantNode | undefined): Level {
  if (parent === undefined) return 'enterprise';
  const next: Record<string, Level> = {
    enterprise: 'site',
    site: 'area',
    area: 'line',
    line: 'work-cell',
    'process-cell': 'unit',
    'work-cell': 'equipment',
    'storage-zone': 'equipment',
    unit: 'equipment',
  };
  return next[parent.level] ?? 'equipment';
}

/** With `node`: rename it or change its equipment class. With `parent` (or neither): add a node below it. */
export function NodeEditor({
  node,
  parent,
  onDone,
}: {
  node?: PlantNode;
  parent?: PlantNode | undefined;
  onDone: (o: Outcome) => void;
}) {
  const client = useQueryClient();
  const [level, setLevel] = useState<Level>(childLevel(parent));
  const [code, setCode] = useState('');
  const [name, setName] = useState(node?.name ?? '');
  const [equipmentClass, setEquipmentClass] = useState(node?.equipmentClass ?? '');
  const [seen, setSeen] = useState(node?.path ?? parent?.path);
  const key = node?.path ?? parent?.path;
  if (seen !== key) {
    // Another node chosen: the form follows it.
    setSeen(key);
    setLevel(childLevel(parent));
    setCode('');
    setName(node?.name ?? '');
    setEquipmentClass(node?.equipmentClass ?? '');
  }
  const save = useMutation({
    mutationFn: async (): Promise<Outcome> => {
      const cls = equipmentClass.trim();
      if (node !== undefined) {
        const result = await run(
          api.POST('/api/plant/nodes/update', {
            body: { path: node.path, name, equipmentClass: cls === '' ? null : cls },
          }),
        );
        return outcomeOf(`Changing ${node.path}`, result, (r) => ({ kind: 'done', message: `Saved ${r.path}.` }));
      }
      const result = await run(
        api.POST('/api/plant/nodes', {
          body: {
            ...(parent !== undefined ? { parentPath: parent.path } : {}),
            level,
            code,
            name,
            ...(cls !== '' ? { equipmentClass: cls } : {}),
          },
        }),
      );
      return outcomeOf(`Adding ${code}`, result, (r) => ({ kind: 'done', message: `Added ${r.path}.` }));
    },
    onSuccess: (outcome) => {
      void client.invalidateQueries({ queryKey: PLANT_KEY });
      onDone(outcome);
      if (node === undefined) {
        setCode('');
        setName('');
        setEquipmentClass('');
      }
    },
  });
  const fields = save.error instanceof ProblemError ? save.error.fields : {};
  return (
    <form
      className="admin-form"
      aria-label={node !== undefined ? `Change ${node.name}` : 'Add a node'}
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      {node === undefined && (
        <div className="admin-inline">
          <Select
            label="Level"
            options={LEVELS.map((l) => ({ value: l, label: l }))}
            value={level}
            onChange={(l) => setLevel(l as Level)}
          />
          <Field
            label="Code"
            value={code}
            onChange={setCode}
            isRequired
            error={fields['/code']}
            hint="Becomes part of the path."
          />
        </div>
      )}
      <div className="admin-inline">
        <Field label="Name" value={name} onChange={setName} isRequired error={fields['/name']} />
        <Field
          label="Equipment class (optional)"
          value={equipmentClass}
          onChange={setEquipmentClass}
          error={fields['/equipmentClass']}
        />
      </div>
      <ErrorNote error={save.error} />
      <Button type="submit" variant={node !== undefined ? 'secondary' : 'primary'} isDisabled={save.isPending}>
        {node !== undefined ? 'Save changes' : 'Add node'}
      </Button>
    </form>
  );
}

/** Import a B2MML-style JSON file (as the export writes it): adds and updates nodes, never removes any. */
export function PlantImport({ onDone }: { onDone: (o: Outcome) => void }) {
  const client = useQueryClient();
  const id = useId();
  const [file, setFile] = useState<File>();
  const load = useMutation({
    mutationFn: async () => {
      if (file === undefined) throw new Error('Choose a file first.');
      let body: ImportBody;
      try {
        body = JSON.parse(await file.text()) as ImportBody;
      } catch {
        throw new Error(`${file.name} is not JSON: export a plant model to see the expected form.`);
      }
      return run(api.POST('/api/plant/import', { body }));
    },
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: PLANT_KEY });
      onDone(
        outcomeOf('Importing the plant model', result, (r) => ({
          kind: 'done',
          message: `Imported: ${r.created} added, ${r.updated} changed, ${r.unchanged} unchanged.`,
        })),
      );
    },
  });
  return (
    <form
      className="admin-form"
      aria-label="Import a plant model"
      onSubmit={(event) => {
        event.preventDefault();
        load.mutate();
      }}
    >
      <div className="field">
        <label htmlFor={id}>Plant model file (JSON, as exported)</label>
        <input id={id} type="file" accept="application/json,.json" onChange={(e) => setFile(e.target.files?.[0])} />
      </div>
      <ErrorNote error={load.error} />
      <Button type="submit" variant="secondary" isDisabled={file === undefined || load.isPending}>
        Import
      </Button>
    </form>
  );
}
