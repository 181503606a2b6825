/** A small Dockerfile reader: instructions grouped by build stage, continuations joined. */
import { readText } from './files.js';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name: string;
  /** The image or earlier stage this one starts from (ARG defaults substituted). */
  from: string;
  instructions: Instruction[];
}

export function readDockerfile(path = 'Dockerfile'): { args: Record<string, string>; stages: Stage[] } {
  const lines = readText(path)
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', rest = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args: rest.replace(/\s+/g, ' ') };
    if (instruction.keyword === 'FROM') {
      const [, image = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args) ?? [];
      const from = image.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => args[arg] ?? '');
      stages.push({ name: name ?? String(stages.length), from, instructions: [] });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [name, value = ''] = instruction.args.split('=');
      args[name!] = value;
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

/** A stage's instructions after those of the stages it builds on. */
export function instructionsWithParents(stages: Stage[], name: string): Instruction[] {
  const stage = stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`no stage ${name}`);
  const parent = stages.find((candidate) => candidate.name === stage.from);
  return [...(parent ? instructionsWithParents(stages, parent.name) : []), ...stage.instructions];
}

/** The base image a stage ultimately starts from. */
export function baseImage(stages: Stage[], name: string): string {
  const stage = stages.find((candidate) => candidate.name === name)!;
  const parent = stages.find((candidate) => candidate.name === stage.from);
  return parent ? baseImage(stages, parent.name) : stage.from;
}

/** `COPY [--from=x] src... dest` as { from, sources, destination }. */
export function copies(instructions: Instruction[]): { from?: string; sources: string[]; destination: string }[] {
  return instructions
    .filter((instruction) => instruction.keyword === 'COPY')
    .map((instruction) => {
      const words = instruction.args.split(' ');
      const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = words.filter((word) => !word.startsWith('--'));
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
    });
}
