import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import type { Construct } from 'constructs';
import type { AirlockContext } from './context.js';
import { Layer } from './layer.js';
import { NAMES } from './names.js';

const struct = (fields: Record<string, string>) =>
  `struct<${Object.entries(fields)
    .map(([k, v]) => `${k}:${v}`)
    .join(',')}>`;

const STEP =
  'struct<action:string,api:string,input:string,reason:string,before:string,result:string,output:string,error:struct<name:string,message:string,httpstatus:int>,startedat:string,durationms:bigint>';

/** The columns of an `airlock.audit/v1` record, as Athena reads them. */
const COLUMNS: CfnTable.ColumnProperty[] = [
  { name: 'schema', type: 'string' },
  { name: 'id', type: 'string' },
  { name: 'time', type: 'string' },
  { name: 'startedat', type: 'string' },
  { name: 'durationms', type: 'bigint' },
  { name: 'actor', type: struct({ type: 'string', name: 'string', version: 'string' }) },
  { name: 'trigger', type: 'string' },
  {
    name: 'event',
    type: struct({
      id: 'string',
      source: 'string',
      detailtype: 'string',
      time: 'string',
      evaluationtime: 'string',
      compliancetype: 'string',
      annotation: 'string',
    }),
  },
  { name: 'rule', type: 'string' },
  { name: 'remediation', type: 'string' },
  { name: 'resource', type: struct({ type: 'string', id: 'string' }) },
  { name: 'mode', type: 'string' },
  { name: 'outcome', type: 'string' },
  { name: 'reason', type: 'string' },
  { name: 'before', type: 'string' },
  { name: 'steps', type: `array<${STEP}>` },
  { name: 'verification', type: struct({ status: 'string', detail: 'string' }) },
  {
    name: 'exemption',
    type: struct({ id: 'string', reason: 'string', approvedby: 'string', expires: 'string' }),
  },
  { name: 'notes', type: 'array<string>' },
  { name: 'error', type: struct({ name: 'string', message: 'string', retryable: 'boolean' }) },
  { name: 'links', type: struct({ rollbackof: 'string' }) },
  { name: 'assumedrole', type: 'string' },
  { name: 'digest', type: struct({ algorithm: 'string', value: 'string' }) },
];

/** Partition projection over the sink's `dt=…/account=…/region=…/` layout: no crawler, no partition loads. */
function projection(location: string, c: AirlockContext): Record<string, string> {
  const anyAccount = c.allowedAccounts.includes('*');
  const regions = c.allowedRegions.includes('*') ? undefined : c.allowedRegions;
  return {
    classification: 'json',
    'projection.enabled': 'true',
    'projection.dt.type': 'date',
    'projection.dt.format': 'yyyy-MM-dd',
    'projection.dt.range': '2026-01-01,NOW',
    'projection.dt.interval': '1',
    'projection.dt.interval.unit': 'DAYS',
    'projection.account.type': anyAccount ? 'injected' : 'enum',
    ...(anyAccount ? {} : { 'projection.account.values': c.allowedAccounts.join(',') }),
    'projection.region.type': regions ? 'enum' : 'injected',
    ...(regions ? { 'projection.region.values': regions.join(',') } : {}),
    'storage.location.template': `${location}dt=\${dt}/account=\${account}/region=\${region}/`,
  };
}

/** Athena over the audit trail: a Glue database and a table of the records under the audit prefix. */
export class AuditCatalog extends Layer {
  constructor(scope: Construct, id: string, props: { bucketName: string; context: AirlockContext }) {
    super(scope, id);
    const c = props.context;
    const database = new CfnDatabase(this, 'AuditDatabase', {
      catalogId: c.account,
      databaseInput: { name: NAMES.glueDatabase, description: 'airlock audit trail' },
    });
    const location = `s3://${props.bucketName}/${NAMES.auditPrefix}`;
    const table = new CfnTable(this, 'AuditRecords', {
      catalogId: c.account,
      databaseName: NAMES.glueDatabase,
      tableInput: {
        name: NAMES.glueTable,
        description: 'airlock.audit/v1 records: one JSON object per handled event',
        tableType: 'EXTERNAL_TABLE',
        parameters: projection(location, c),
        partitionKeys: [
          { name: 'dt', type: 'string' },
          { name: 'account', type: 'string' },
          { name: 'region', type: 'string' },
        ],
        storageDescriptor: {
          location,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
            parameters: { 'ignore.malformed.json': 'false', 'case.insensitive': 'true' },
          },
          columns: COLUMNS,
        },
      },
    });
    table.node.addDependency(database);
  }
}
