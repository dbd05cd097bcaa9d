// CPU seconds another process has used so far (user + system), from Linux's /proc/<pid>/stat: a
// figure a busy machine distorts far less than wall time; and those of its main thread alone
// (/proc/<pid>/task/<pid>/stat), the thread that ingests. Undefined where /proc is not there.
import { readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc's times, 100 on every Linux that Node supports. */
const TICKS_PER_SECOND = 100;

export function processCpuSeconds(pid: number): number | undefined {
  return cpuSecondsOf(`/proc/${pid}/stat`);
}

/** The main thread's alone (its thread id is the process id). */
export function mainThreadCpuSeconds(pid: number): number | undefined {
  return cpuSecondsOf(`/proc/${pid}/task/${pid}/stat`);
}

function cpuSecondsOf(statFile: string): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(statFile, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces), from field 3 (state): utime is 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
