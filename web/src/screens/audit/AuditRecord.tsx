import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from '@tanstack/react-router';
import { Badge, ErrorNote, Loading, When } from '../../ui/controls';
import { Panel, Screen } from '../../ui/page';
import '../../styles/trace.css';
import { previousHash, publicKeyPem, recordWithProof, type RecordWithProof } from './audit-api';
import { OUTCOME_TONE } from './AuditLog';
import { checkpointSignatureValid, GENESIS, recordLeafHash, walkInclusion, type Side } from './proof';

interface Checked {
  leaf: string;
  leafMatches: boolean;
  root: string | undefined;
  sides: Side[];
  rootMatches: boolean;
  checkpoint: { treeSize: number; rootHash: string; timestamp: string; matches: boolean } | undefined;
  signature: boolean | undefined;
  verified: boolean;
}

/** Everything the server claims about a record, recomputed here: its leaf, the path to the root, the signature. */
async function check(found: RecordWithProof, previous: string, pem: string | undefined): Promise<Checked> {
  const { proof } = found;
  const leaf = await recordLeafHash(found.record, previous);
  const leafMatches = leaf === found.hash && leaf === proof.leafHash;
  const walked = await walkInclusion(proof.leafIndex, proof.treeSize, leaf, proof.path);
  const rootMatches = walked !== undefined && walked.root === proof.rootHash;
  let checkpoint: Checked['checkpoint'];
  let signature: boolean | undefined;
  if (proof.checkpoint !== null) {
    const body = JSON.parse(proof.checkpoint.body) as { treeSize: number; rootHash: string; timestamp: string };
    checkpoint = { ...body, matches: body.treeSize === proof.treeSize && body.rootHash === walked?.root };
    if (pem !== undefined)
      signature = await checkpointSignatureValid(proof.checkpoint.body, proof.checkpoint.signature, pem);
  }
  return {
    leaf,
    leafMatches,
    root: walked?.root,
    sides: walked?.sides ?? [],
    rootMatches,
    checkpoint,
    signature,
    verified: leafMatches && rootMatches && (checkpoint === undefined || checkpoint.matches) && signature !== false,
  };
}

export function AuditRecord() {
  const params: { seq?: string } = useParams({ strict: false });
  const seq = Number(params.seq);
  const valid = Number.isSafeInteger(seq) && seq >= 1;
  const found = useQuery({ queryKey: ['audit', 'record', seq], queryFn: () => recordWithProof(seq), enabled: valid });
  const previous = useQuery({ queryKey: ['audit', 'previous', seq], queryFn: () => previousHash(seq), enabled: valid });
  const pem = useQuery({ queryKey: ['audit', 'public-key'], queryFn: publicKeyPem, staleTime: Infinity });
  const checked = useQuery({
    queryKey: ['audit', 'checked', seq, found.data?.hash, previous.data, pem.data],
    queryFn: () => check(found.data!, previous.data ?? GENESIS, pem.data),
    enabled: found.data !== undefined && previous.isSuccess && !pem.isPending,
  });
  return (
    <Screen
      title={`Audit record ${valid ? seq : ''}`}
      intro="The record as it is stored and hashed, and the proof that it is in the signed log."
      actions={<Link to="/audit">Back to the audit log</Link>}
    >
      {!valid && <ErrorNote error={new Error('This is not a record number.')} />}
      {found.isError && <ErrorNote error={found.error} />}
      {previous.isError && <ErrorNote error={previous.error} />}
      {found.isPending && valid && <Loading what="the record" />}
      {found.data !== undefined && (
        <>
          <Content found={found.data} />
          <Panel title="Inclusion proof">
            {checked.isPending && <Loading what="the proof check" />}
            {checked.isError && <ErrorNote error={checked.error} />}
            {checked.data !== undefined && <Proof found={found.data} checked={checked.data} />}
          </Panel>
        </>
      )}
    </Screen>
  );
}

function Content({ found }: { found: RecordWithProof }) {
  const r = found.record;
  return (
    <Panel title="Content">
      <dl className="facts">
        <dt>Sequence</dt>
        <dd>{r.seq}</dd>
        <dt>Time</dt>
        <dd>
          <When at={r.ts} />
        </dd>
        <dt>Action</dt>
        <dd>
          <code>{r.action}</code>
        </dd>
        <dt>Outcome</dt>
        <dd>
          <Badge tone={OUTCOME_TONE[r.outcome]}>{r.outcome.toUpperCase()}</Badge>
        </dd>
        <dt>Actor</dt>
        <dd>
          {r.actor.id} ({r.actor.kind})
        </dd>
        <dt>Origin</dt>
        <dd>
          {r.origin.channel}
          {r.origin.address !== undefined && ` from ${r.origin.address}`}
        </dd>
        <dt>Target</dt>
        <dd>{r.target === undefined ? '—' : `${r.target.type} ${r.target.id}`}</dd>
        {r.reason !== undefined && (
          <>
            <dt>Reason</dt>
            <dd>{r.reason}</dd>
          </>
        )}
      </dl>
      <h3>Stored record (JSON)</h3>
      <pre className="record-json" tabIndex={0} aria-label="Stored record as JSON">
        {JSON.stringify(r, null, 2)}
      </pre>
    </Panel>
  );
}

function Proof({ found, checked }: { found: RecordWithProof; checked: Checked }) {
  const { proof } = found;
  return (
    <>
      <p role="status" className={checked.verified ? 'proof-ok' : 'proof-bad'}>
        {checked.verified ? '✔ Proof verified in your browser' : '✘ Proof does not verify'}
      </p>
      <p className="hint">
        Checked here with WebCrypto SHA-256: leaf = SHA-256(0x00 ‖ previous hash ‖ record), node = SHA-256(0x01 ‖ left ‖
        right) (RFC 9162).
      </p>
      <dl className="facts">
        <dt>Leaf index</dt>
        <dd>{proof.leafIndex}</dd>
        <dt>Leaf hash (server)</dt>
        <dd>
          <code className="hash">{proof.leafHash}</code>
        </dd>
        <dt>Leaf hash (recomputed)</dt>
        <dd>
          <code className="hash">{checked.leaf}</code> {checked.leafMatches ? '— matches' : '— DIFFERS'}
        </dd>
        <dt>Tree size</dt>
        <dd>{proof.treeSize}</dd>
        <dt>Root hash (server)</dt>
        <dd>
          <code className="hash">{proof.rootHash}</code>
        </dd>
        <dt>Root hash (recomputed)</dt>
        <dd>
          <code className="hash">{checked.root ?? 'the path does not fit the tree size'}</code>{' '}
          {checked.rootMatches ? '— matches' : '— DIFFERS'}
        </dd>
        <dt>Signed checkpoint</dt>
        <dd>
          {checked.checkpoint === undefined ? (
            'none covers this record yet: the proof leads to the current, unsigned tree head'
          ) : (
            <>
              {checked.checkpoint.treeSize} records, signed <When at={checked.checkpoint.timestamp} />;{' '}
              {checked.checkpoint.matches ? 'its root matches' : 'its root DIFFERS'};{' '}
              {checked.signature === undefined
                ? 'signature not checked (this browser has no Ed25519)'
                : checked.signature
                  ? 'Ed25519 signature valid'
                  : 'Ed25519 signature INVALID'}
            </>
          )}
        </dd>
      </dl>
      <div className="table-wrap">
        <table>
          <caption>Proof path, from the leaf up to the root</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                Step
              </th>
              <th scope="col">Joins on the</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {proof.path.map((hash, i) => (
              <tr key={`${i}-${hash}`}>
                <td className="num">{i + 1}</td>
                <td>{checked.sides[i] ?? '?'}</td>
                <td>
                  <code className="hash">{hash}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
