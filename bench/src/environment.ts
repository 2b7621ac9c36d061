import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Environment {
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryMB: number;
  /** Soft limit on open files of this process (Linux), after Node raised it to the hard limit. */
  openFilesLimit?: number;
}

export function describeEnvironment(): Environment {
  const cpuList = cpus();
  const limit = openFilesLimit();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    cpuCount: cpuList.length,
    totalMemoryMB: Math.round(totalmem() / 1024 / 1024),
    ...(limit === undefined ? {} : { openFilesLimit: limit }),
  };
}

// `ulimit -n` belongs to the shell; a process can only read its own limits. Node raises its
// soft RLIMIT_NOFILE to the hard limit at start-up, so the soft value read here is what counts.
function openFilesLimit(): number | undefined {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    if (!match?.[1]) return undefined;
    return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  } catch {
    return undefined;
  }
}
