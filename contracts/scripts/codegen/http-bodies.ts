import { schemaId, type JsonSchema, type SchemaFile } from '../../src/schema-files.js';

/**
 * Commands whose HTTP route carries ids in the path, with those ids. Their HTTP body is the
 * command without these properties; the gateway merges the path ids back in and validates
 * the whole command. Commands not listed either have no body (DELETE routes) or are sent
 * as they are (`CaptureFragment`, `CreateDream`, `ImportDream`).
 */
export const HTTP_BODY_PATH_IDS: Readonly<Record<string, readonly string[]>> = {
  AddFragment: ['dreamId'],
  EditFragment: ['dreamId', 'fragmentId'],
  ChangeDreamDetails: ['dreamId'],
  ChangeDreamStatus: ['dreamId'],
  SetDreamTags: ['dreamId'],
  AddTodo: ['dreamId'],
  ChangeTodo: ['dreamId', 'todoId'],
  ReplaceTodos: ['dreamId'],
  AttachDocument: ['dreamId'],
  RequestImplementation: ['dreamId'],
  CompleteImplementation: ['dreamId'],
  ReportSync: ['dreamId'],
};

/** File name of the body schema derived from a command: `http/AddFragmentBody.v1.schema.json`. */
export function httpBodyPath(command: string, version: number): string {
  return `http/${command}Body.v${version}.schema.json`;
}

/**
 * Derives the HTTP body schemas from the command schemas, so that the command schema stays
 * the single source: a body schema is its command's schema minus the path ids. Returns
 * file path -> file text.
 */
export function deriveHttpBodySchemas(files: readonly SchemaFile[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of files) {
    const ids = file.kind === 'commands' ? HTTP_BODY_PATH_IDS[file.name] : undefined;
    if (!ids) continue;
    const { $schema, $id: _id, title: _title, description: _description, ...rest } = file.schema;
    const body: JsonSchema = {
      $schema,
      $id: schemaId('http', `${file.name}Body`, file.version),
      $comment: `Generated from ../${file.path} by scripts/generate-types.ts; do not edit.`,
      title: `${file.name}Body`,
      description: `Body of the HTTP request for \`${file.name}\`: the command data without ${ids.map((id) => `\`${id}\``).join(' and ')}, which the route takes from its path.`,
      ...withoutProperties(rest, ids),
    };
    out.set(httpBodyPath(file.name, file.version), `${JSON.stringify(body, null, 2)}\n`);
  }
  return out;
}

function withoutProperties(schema: JsonSchema, ids: readonly string[]): JsonSchema {
  const copy: JsonSchema = { ...schema };
  if (isObject(copy.properties)) {
    copy.properties = Object.fromEntries(Object.entries(copy.properties).filter(([key]) => !ids.includes(key)));
  }
  if (Array.isArray(copy.required)) copy.required = copy.required.filter((key) => !ids.includes(key as string));
  // A discriminated union (ReportSync) lists the ids in each branch.
  if (Array.isArray(copy.oneOf)) copy.oneOf = copy.oneOf.map((branch) => withoutProperties(branch as JsonSchema, ids));
  return copy;
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
