/**
 * Reads the models of schema.prisma into table and column names with their SQL types, so a test
 * can hold the SQL migrations and the Prisma schema to each other (Prisma's own differ needs its
 * schema engine, which cannot be downloaded here).
 */
export interface ModelColumns {
  readonly table: string;
  readonly columns: ReadonlyArray<{ name: string; sqlType: string; nullable: boolean }>;
  /** The column lists of its `@@index`es, in order. */
  readonly indexes: ReadonlyArray<readonly string[]>;
}

const NATIVE_TYPES: Record<string, string> = {
  Uuid: 'uuid',
  VarChar: 'character varying',
  Text: 'text',
  Timestamptz: 'timestamp with time zone',
  Timestamp: 'timestamp without time zone',
  Integer: 'integer',
  SmallInt: 'smallint',
  BigInt: 'bigint',
  JsonB: 'jsonb',
  Boolean: 'boolean',
  DoublePrecision: 'double precision',
};

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp without time zone',
  Json: 'jsonb',
  Float: 'double precision',
  Bytes: 'bytea',
};

export function parsePrismaModels(schema: string): ModelColumns[] {
  const models: ModelColumns[] = [];
  for (const match of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, modelName = '', body = ''] = match;
    const table = /@@map\("([^"]+)"\)/.exec(body)?.[1] ?? modelName;
    const columns = [];
    const columnOfField = new Map<string, string>();
    for (const line of body.split('\n')) {
      const field = /^\s*(\w+)\s+(\w+)(\[\])?(\?)?(.*)$/.exec(line);
      if (!field || line.trim().startsWith('@@') || line.trim().startsWith('//')) continue;
      const [, name = '', type = '', list, optional, attributes = ''] = field;
      if (!(type in SCALAR_TYPES) || attributes.includes('@relation')) continue;
      const native = /@db\.(\w+)/.exec(attributes)?.[1];
      const sqlType = list ? 'ARRAY' : native ? NATIVE_TYPES[native] ?? native : SCALAR_TYPES[type]!;
      columns.push({ name: /@map\("([^"]+)"\)/.exec(attributes)?.[1] ?? name, sqlType, nullable: Boolean(optional) });
      columnOfField.set(name, columns[columns.length - 1]!.name);
    }
    const indexes = [...body.matchAll(/^\s*@@index\(\[([^\]]+)\]/gm)].map(([, fields = '']) =>
      fields.split(',').map((field) => {
        const name = field.trim().replace(/\(.*$/, '');
        return columnOfField.get(name) ?? name;
      }),
    );
    models.push({ table, columns, indexes });
  }
  return models;
}
