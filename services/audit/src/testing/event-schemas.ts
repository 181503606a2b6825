/** The contracts package's event schemas, read from the files beside its sources, for specs that check field tables against them. */
import { readFileSync } from 'node:fs';

type Node = Record<string, unknown>;

const contracts = new URL('../', import.meta.resolve('@dreamcatcher/contracts'));

export const contractJson = (path: string): Node => JSON.parse(readFileSync(new URL(path, contracts), 'utf8')) as Node;

interface Located {
  node: Node | undefined;
  base: URL;
}

function follow({ node, base }: Located): Located {
  while (node && typeof node.$ref === 'string') {
    const [file = '', pointer = ''] = node.$ref.split('#');
    if (file) base = new URL(file, base);
    let target = JSON.parse(readFileSync(base, 'utf8')) as Node;
    for (const key of pointer.split('/').slice(1)) target = target[key] as Node;
    node = target;
  }
  return { node, base };
}

function eventSchema(type: string): Located {
  const base = new URL(`events/${type}.v1.schema.json`, contracts);
  return { node: JSON.parse(readFileSync(base, 'utf8')) as Node, base };
}

function child(at: Located, segment: string): Located {
  const { node, base } = follow(at);
  return { node: segment === '*' ? (node?.items as Node | undefined) : (node?.properties as Record<string, Node> | undefined)?.[segment], base };
}

/** The schema node at a JSON Pointer pattern of an event's data, following $refs (`*` = array items). */
export function schemaAt(type: string, pattern: string): Node | undefined {
  let at = eventSchema(type);
  for (const segment of pattern.split('/').slice(1)) at = child(at, segment);
  return follow(at).node;
}

/** Formats that hold no prose: identifiers and times. */
const STRUCTURED_FORMATS = new Set(['uuid', 'date-time', 'date']);

function isText(node: Node): boolean {
  return node.type === 'string' && node.enum === undefined && node.const === undefined && !STRUCTURED_FORMATS.has(String(node.format));
}

/**
 * Every field of an event's data that may hold free text: strings other than enums and
 * structured formats, and arrays whose items are such strings (as patterns, `*` for array
 * items). Fields under a pattern `stopAt` accepts are not looked into.
 */
export function textFields(type: string, stopAt: (pattern: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (at: Located, pattern: string): void => {
    const located = follow(at);
    const node = located.node;
    if (!node) return;
    if (pattern && stopAt(pattern)) return;
    for (const branch of [...((node.oneOf as Node[] | undefined) ?? []), ...((node.anyOf as Node[] | undefined) ?? [])]) walk({ node: branch, base: located.base }, pattern);
    if (isText(node)) found.push(pattern);
    else if (node.type === 'array') {
      const items = follow(child(located, '*')).node;
      if (items && isText(items)) found.push(pattern);
      else walk(child(located, '*'), `${pattern}/*`);
    } else for (const name of Object.keys((node.properties as Node | undefined) ?? {})) walk(child(located, name), `${pattern}/${name}`);
  };
  walk(eventSchema(type), '');
  return [...new Set(found)];
}
