import { formatDoctorReport, doctor as runDoctor } from '@deltaclip/backend';
import { type CommandDef, parseCommand } from '../args.js';
import { BACKENDS } from '../backends.js';
import type { Output } from '../output.js';
import { scheduleSummary } from '../scheduling.js';

export const doctorCommand: CommandDef = {
  name: 'doctor',
  summary:
    'Check every compute backend on this machine (cpu, wasm, node, node-gpu): available or not, the variant, threads and versions, and for each one that is not, the exact reason and the fix.',
  options: [],
  examples: ['deltaclip doctor', 'deltaclip doctor --json'],
};

export async function doctor(argv: readonly string[], output: Output): Promise<void> {
  parseCommand(doctorCommand, argv);
  const report = await runDoctor(BACKENDS);
  if (output.json) output.result(report);
  else output.text(`${formatDoctorReport(report)}\n${scheduleSummary()}`);
}
