import { createHash } from 'node:crypto';
import { type CfnElement, Names, Stack } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';

/**
 * A construct that groups resources for the reader, not for CloudFormation: its id is left out of
 * the logical ids of everything under it. A stack can be split into layers (storage, network, one per
 * remediation) without a single logical id changing, and so without CloudFormation replacing a
 * resource on the next deploy (a replaced table or bucket with a fixed name would fail, a replaced
 * key would orphan the old one).
 */
export class Layer extends Construct {}

/**
 * A stack whose logical ids ignore {@link Layer}s: each is CDK's own id of the resource's path with
 * the layers taken out. Ids that CDK builds from another construct's path (the permission that lets
 * an EventBridge rule invoke a function is named after the rule's path) are rewritten the same way.
 */
export class LayeredStack extends Stack {
  private unlayered?: { readonly size: number; readonly ids: ReadonlyMap<string, string> };

  protected override allocateLogicalId(element: CfnElement): string {
    const scopes = element.node.scopes;
    const below = scopes.slice(scopes.indexOf(element.stack) + 1);
    const ids = this.layeredIds();
    const components = below
      .filter((scope) => !(scope instanceof Layer))
      .map((scope) => replaceAll(scope.node.id, ids));
    return makeUniqueId(components);
  }

  /** `Names.nodeUniqueId` of every construct under a layer -> the same id with the layers taken out. */
  private layeredIds(): ReadonlyMap<string, string> {
    const all = this.node.findAll();
    if (this.unlayered?.size === all.length) return this.unlayered.ids;
    const ids = new Map<string, string>();
    for (const construct of all) {
      const scopes = construct.node.scopes.slice(1);
      if (!scopes.some((scope) => scope instanceof Layer)) continue;
      const layered = Names.nodeUniqueId(construct.node);
      const plain = makeUniqueId(scopes.filter((scope) => !(scope instanceof Layer)).map(idOf));
      if (layered !== plain) ids.set(layered, plain);
    }
    this.unlayered = { size: all.length, ids };
    return ids;
  }
}

const idOf = (scope: IConstruct) => scope.node.id;

function replaceAll(id: string, ids: ReadonlyMap<string, string>): string {
  let out = id;
  for (const [layered, plain] of ids) {
    if (out.includes(layered)) out = out.split(layered).join(plain);
  }
  return out;
}

const HIDDEN_ID = 'Default';
const HIDDEN_FROM_HUMAN_ID = 'Resource';
const MAX_HUMAN_LEN = 240;
const MAX_ID_LEN = 255;

/**
 * CDK's logical id of a path (aws-cdk-lib `makeUniqueId`, which it does not export): the path's
 * components without `Default`, a human part without `Resource` and repeated suffixes, and an
 * 8-character MD5 of the path. A test checks it against CDK's own ids.
 *
 * @example
 * ```ts
 * makeUniqueId(['AuditTrail', 'Resource']); // 'AuditTrailFF0F2BB5'
 * ```
 */
export function makeUniqueId(path: readonly string[]): string {
  const components = path.filter((c) => c !== HIDDEN_ID);
  if (components.length === 0) throw new Error('no logical id for an empty path');
  if (components.length === 1) {
    const candidate = alphanumeric(components[0]!);
    if (candidate.length <= MAX_ID_LEN) return candidate;
  }
  const hash = createHash('md5').update(components.join('/')).digest('hex').slice(0, 8).toUpperCase();
  const human = withoutRepeats(components)
    .filter((c) => c !== HIDDEN_FROM_HUMAN_ID)
    .map(alphanumeric)
    .join('')
    .slice(0, MAX_HUMAN_LEN);
  return human + hash;
}

const alphanumeric = (s: string) => s.replace(/[^A-Za-z0-9]/g, '');

function withoutRepeats(path: readonly string[]): string[] {
  const out: string[] = [];
  for (const component of path) {
    if (out.length === 0 || !out[out.length - 1]!.endsWith(component)) out.push(component);
  }
  return out;
}
