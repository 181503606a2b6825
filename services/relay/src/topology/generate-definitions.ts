/** Writes infra/rabbitmq/definitions.json from the topology in code: `npm run definitions -w @dreamcatcher/relay`. */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEFINITIONS_FILE, renderDefinitions } from './definitions.js';

await writeFile(DEFINITIONS_FILE, renderDefinitions());
console.log(`wrote ${fileURLToPath(DEFINITIONS_FILE)}`);
