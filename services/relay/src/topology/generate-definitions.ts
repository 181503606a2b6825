/**
 * Writes infra/rabbitmq/definitions.json from the topology in code: `npm run definitions -w @dreamcatcher/relay`.
 * With `PROJECTION_PARTITIONS` set and a file argument it writes a deployment's own definitions:
 * `PROJECTION_PARTITIONS=dream_detail=3 npm run definitions -w @dreamcatcher/relay -- definitions.prod.json`.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatPartitionCounts, parsePartitionCounts } from '@dreamcatcher/service-kit';
import { DEFINITIONS_FILE, renderDefinitions } from './definitions.js';

const partitions = parsePartitionCounts(process.env.PROJECTION_PARTITIONS);
const target = process.argv[2] ? pathToFileURL(resolve(process.env.INIT_CWD ?? process.cwd(), process.argv[2])) : DEFINITIONS_FILE;
if (partitions.size && target.href === DEFINITIONS_FILE.href) {
  console.error('the committed definitions.json has no partitioned projection; name another file to write these to');
  process.exit(2);
}
await writeFile(target, renderDefinitions('/', partitions));
console.log(`wrote ${fileURLToPath(target)}${partitions.size ? ` (partitions ${formatPartitionCounts(partitions)})` : ''}`);
