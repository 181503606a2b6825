// Loaded with `--import` into a service process when the benchmark is run with
// BENCH_CPU_PROFILE_DIR: profiles the process with the inspector (node 20 does not take
// --cpu-prof in NODE_OPTIONS) and writes a .cpuprofile (Chrome DevTools, speedscope) named
// after the process when it exits. SIGUSR2 starts the profile afresh, so that the
// benchmark can leave start-up out and keep only the load it drives.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop');
    session.post('Profiler.start');
  });
  process.on('exit', () => {
    // The in-process session answers synchronously, so the profile is written before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error) return;
      const name = path.basename(process.argv[1] ?? 'node').replace(/\W+/g, '-');
      const role = process.env.PROJECTIONS ? `-${process.env.PROJECTIONS}` : '';
      writeFileSync(path.join(dir, `${name}${role}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
