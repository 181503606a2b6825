import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { loadSchemaFiles, type SchemaFile } from '../schema-files.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object's type.
const addFormats = addFormatsPlugin as unknown as (ajv: Ajv2020) => Ajv2020;

interface Registry {
  ajv: Ajv2020;
  files: SchemaFile[];
  ids: Set<string>;
}

let registry: Registry | undefined;
const validators = new Map<string, ValidateFunction>();

/**
 * The one ajv instance, made on first use with every schema of the package added (not
 * compiled): strict (unknown keywords, missing types and the like fail), all errors,
 * formats, `discriminator` for the tagged unions, and union types for the nullable fields of
 * read models (`type: ['string', 'null']`). `strictRequired` is off because an
 * "at least one of" `anyOf: [{ required: [a] }, ...]` declares its properties beside it,
 * which ajv cannot see; a unit test checks every `required` name against the properties.
 */
function getRegistry(): Registry {
  if (registry) return registry;
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, discriminator: true, verbose: true });
  addFormats(ajv);
  const files = loadSchemaFiles();
  ajv.addSchema(files.map((file) => file.schema));
  registry = { ajv, files, ids: new Set(files.map((file) => String(file.schema.$id))) };
  return registry;
}

/** Whether the package has a schema with this `$id`. */
export function hasSchema(id: string): boolean {
  return getRegistry().ids.has(id);
}

/**
 * The validator of one schema, compiled the first time it is asked for and kept: ajv
 * generates code per schema, which is far too slow to repeat per request.
 */
export function validatorFor(id: string): ValidateFunction {
  const cached = validators.get(id);
  if (cached) return cached;
  const validate = getRegistry().ajv.getSchema(id);
  if (!validate) throw new Error(`no schema with $id ${id}`);
  validators.set(id, validate);
  return validate;
}

/**
 * Compiles a schema that is not one of the package's files (e.g. a schema written inline in
 * the OpenAPI document) in the same instance, so that it may `$ref` the package's schemas by
 * their `$id`. Callers cache the result.
 */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  return getRegistry().ajv.compile(schema);
}

/** Every schema file the validators know (read once). */
export function schemaFiles(): readonly SchemaFile[] {
  return getRegistry().files;
}
